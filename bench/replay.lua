-- replay.lua - wrk script for ./dev bench: sends pre-signed requests (bench/presign) in turn.
--
--     wrk -tT ... -s bench/replay.lua URL -- FILE.lua T
--
-- FILE.lua returns a table of complete HTTP requests; T is wrk's thread count. Thread k sends
-- requests k+1, k+1+T, k+1+2T, ... so that no two threads send the same one (each inbox POST
-- carries a unique activity id) until the table is used up; then it starts over.

local next_tid = 0

-- Called once per wrk thread in the main Lua state: gives each thread its number.
function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
end

-- Called in each thread's own Lua state: loads the requests the script arguments name.
function init(args)
   reqs = dofile(args[1])
   step = tonumber(args[2]) or 1
   i = tid or 0
end

-- The next request of this thread.
function request()
   local r = reqs[(i % #reqs) + 1]
   i = i + step
   return r
end
