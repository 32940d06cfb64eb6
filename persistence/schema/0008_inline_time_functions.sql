-- Stepwise schema, version 8: the time conversions are inlined again.
--
-- stepwise_ts and stepwise_us (schema 0001) were declared IMMUTABLE, but
-- their bodies call STABLE operators (timestamptz + interval, and extract on
-- a timestamptz, depend on the session's time zone). PostgreSQL refuses to
-- inline a SQL function whose body is more volatile than its declaration, so
-- every call ran as a separate SQL function, whose body is parsed and planned
-- again on every execution of the calling statement: about a fifth of
-- PostgreSQL's CPU time per engine step went to that (issue 4, durable
-- benchmark profile). Declared STABLE, which is what they are, both are
-- inlined into the statements that call them. Their results stay the same
-- in every time zone (an interval of microseconds only, and epoch seconds,
-- are absolute), and neither is used in an index.
ALTER FUNCTION stepwise_ts(bigint) STABLE;
ALTER FUNCTION stepwise_us(timestamptz) STABLE;
