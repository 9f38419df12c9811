-- pace.lua - wrk script for ./dev bench: each connection waits a fixed time between requests,
-- so that wrk sends about connections * 1000 / DELAY_MS requests per second.
--
--     wrk ... -s bench/pace.lua URL -- DELAY_MS

function init(args)
   pause = tonumber(args[1]) or 0
end

-- Called by wrk before each request: milliseconds to wait.
function delay()
   return pause
end
