/* keys.c - key pairs made on first use. Two requests may both make one; the database keeps
 * the first and both go on with it. */
#include "ap/keys.h"

#include "ap/httpsig.h"
#include "db/federation.h"
#include "util/err.h"

int
ap_account_keys(struct arena *a, int64_t account_id, const char **private_pem,
		const char **public_pem, struct err *err)
{
	if (db_account_keys(a, account_id, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem != NULL && *public_pem != NULL)
		return 0;
	char *priv, *pub;
	if (httpsig_keypair_generate(a, &priv, &pub, err) != 0)
		return -1;
	if (db_account_keys_set(a, account_id, priv, pub, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem == NULL || *public_pem == NULL)
		return err_set(err, ERR_NOT_FOUND, NULL, "no keys for a remote or missing account");
	return 0;
}

int
ap_instance_keys(struct arena *a, const char **private_pem, const char **public_pem,
		 struct err *err)
{
	if (db_instance_keys(a, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem != NULL)
		return 0;
	char *priv, *pub;
	if (httpsig_keypair_generate(a, &priv, &pub, err) != 0)
		return -1;
	return db_instance_keys_set(a, priv, pub, private_pem, public_pem, err);
}
