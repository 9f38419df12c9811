/* notice.c - the notice table. Keys are short and stable; messages are msgids. */
#include "notice.h"

#include <string.h>

#include "util/i18n.h"

static const struct {
	const char *key, *message;
} notices[] = {
	{"done", N_("Done.")},
	{"alert_filed", N_("Thank you. Your alert waits for a moderator; nobody else sees who filed it.")},
	{"alert_changed", N_("Your alert is changed. A moderator will review it again.")},
	{"alert_withdrawn", N_("Your alert is withdrawn: nobody else sees it any more.")},
	{"alert_replied", N_("Your answer is sent to the moderators.")},
	{"alert_renewed", N_("The alert is renewed.")},
	{"alert_flagged", N_("Thank you. A moderator will look at the alert again.")},
	{"alert_area_followed", N_("You follow this area: new alerts there show at the top of the alerts page.")},
	{"alert_area_unfollowed", N_("You no longer follow that area.")},
	{"alert_published", N_("The alert is published to members.")},
	{"alert_asked", N_("Your question is sent to the reporter.")},
	{"alert_declined", N_("The alert is declined. The reporter can read your reason.")},
	{"alert_flags_closed", N_("The flags are closed; the alert stays published.")},
	{"saved", N_("Your changes are saved.")},
	{"lockdown_on", N_("The lockdown is on.")},
	{"lockdown_off", N_("The lockdown is off. Held deliveries are being sent.")},
	{"welcome", N_("Welcome! You are signed in.")},
	{"signin_for_app",
	 N_("An app asks to use your account. Sign in first; then you choose whether to allow it.")},
	{"signed_out", N_("You are signed out.")},
	{"alias_added", N_("The account is listed. Now start the move on its server.")},
	{"alias_removed", N_("The account is off the list.")},
	{"moved_away", N_("This account has moved. Your followers are being sent to the new one.")},
	{"import_started", N_("The import has started. This page shows how far it got: reload it to see more.")},
	{"move_undone", N_("The move is undone: this account's profile no longer sends people away.")},
	{"account_deleted", N_("Your account is deleted. Everything in it is gone from this community.")},
	{"session_ended", N_("That session is signed out.")},
	{"app_revoked", N_("That app can't use your account any more.")},
	{"password_changed", N_("Your password is changed.")},
	{"two_factor_off", N_("Two-factor sign-in is off. Your password alone signs you in now.")},
	{"recovery_signin", N_("You signed in with a recovery code, which is now used up. If you lost your phone, turn two-factor sign-in off below and set it up again on the new one.")},
	{"recovered", N_("Your password is changed. Sign in with it now.")},
	{"applied", N_("Thank you. A moderator will look at your application soon.")},
	{"posted", N_("Your post is published.")},
	{"posted_no_alt",
	 N_("Your post is published. An image in it has no description: next time, a few words "
	    "about each image let people who can't see it follow along.")},
	{"avatar_saved", N_("Your picture is saved.")},
	{"avatar_removed", N_("Your picture is removed.")},
	{"edited", N_("Your post is updated.")},
	{"deleted", N_("Your post is deleted.")},
	{"version_erased", N_("The earlier version is erased.")},
	{"boosted", N_("Boosted.")},
	{"unboosted", N_("Boost removed.")},
	{"liked", N_("Liked.")},
	{"unliked", N_("Like removed.")},
	{"bookmarked", N_("Bookmarked.")},
	{"unbookmarked", N_("Bookmark removed.")},
	{"pinned", N_("Pinned to your profile.")},
	{"unpinned", N_("Unpinned.")},
	{"followed", N_("You follow this account now.")},
	{"follow_requested", N_("Follow request sent.")},
	{"unfollowed", N_("You no longer follow this account.")},
	{"blocked", N_("Account blocked.")},
	{"unblocked", N_("Account unblocked.")},
	{"muted", N_("Account muted.")},
	{"unmuted", N_("Account unmuted.")},
	{"request_accepted", N_("Follow request accepted.")},
	{"request_rejected", N_("Follow request rejected.")},
	{"notifications_read", N_("All notifications are marked as read.")},
	{"invite_created", N_("Invite created.")},
	{"invite_revoked", N_("Invite revoked.")},
	{"application_approved", N_("Application approved.")},
	{"application_declined", N_("Application declined.")},
	{"peer_added", N_("The domain is on the list now.")},
	{"peer_removed", N_("The domain is off the list now.")},
	{"rule_saved", N_("The rule is saved.")},
	{"rule_deleted", N_("The rule is deleted; the ones after it moved up.")},
	{"report_sent", N_("Thank you. The moderators will look at your report.")},
	{"report_forwarded", N_("The report was sent to the account's server.")},
	{"appeal_sent", N_("Your appeal is sent. Another moderator will decide it.")},
	{"action_taken", N_("The action is taken and recorded.")},
	{"action_pending", N_("The action is recorded. It takes effect when a second moderator approves it.")},
	{"action_approved", N_("The action is approved and takes effect now.")},
	{"action_rejected", N_("The action is refused; nothing changes.")},
	{"claimed", N_("The item is yours to decide.")},
	{"released", N_("The item is back in the queue for anyone.")},
	{"taken_over", N_("You took the item over: it is yours to decide. The item records it.")},
	{"appeal_decided", N_("The appeal is decided and the member is told.")},
};

const char *
notice_message(const char *key)
{
	for (size_t i = 0; key != NULL && i < sizeof notices / sizeof notices[0]; i++)
		if (strcmp(notices[i].key, key) == 0)
			return notices[i].message;
	return NULL;
}
