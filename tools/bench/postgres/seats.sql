-- cantine-bench --mode=postgres: what a user might pick instead of booking nodes, one central
-- PostgreSQL, on the workload of the node's run: a seat counter per (space, day, slot)
-- checked and raised in the booking's transaction, the booking row with a unique idempotency
-- key and two indexes, and an outbox row for the receipt other sites would read. One call of
-- book() per booking, as one RPC. psql variables: spaces, days, seats.
DROP TABLE IF EXISTS booking, slot_count, outbox;
DROP FUNCTION IF EXISTS book;
CREATE TABLE slot_count (space int, day int, slot int, taken int NOT NULL, capacity int NOT NULL,
                         PRIMARY KEY (space, day, slot));
CREATE TABLE booking (id bigserial PRIMARY KEY, member_id text NOT NULL, space int NOT NULL,
                      day int NOT NULL, slot int NOT NULL, idem text UNIQUE NOT NULL,
                      created timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON booking (member_id);
CREATE INDEX ON booking (space, day);
CREATE TABLE outbox (id bigserial PRIMARY KEY, booking_id bigint NOT NULL, payload jsonb NOT NULL);
INSERT INTO slot_count
  SELECT s, d, t, 0, :seats FROM generate_series(1, :spaces) s, generate_series(1, :days) d,
                                 generate_series(0, 1) t;
CREATE FUNCTION book(m text, sp int, d int, t int, k text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE bid bigint;
BEGIN
  SELECT id INTO bid FROM booking WHERE idem = k;
  IF FOUND THEN RETURN bid; END IF;
  UPDATE slot_count SET taken = taken + 1 WHERE space = sp AND day = d AND slot = t AND taken < capacity;
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO booking (member_id, space, day, slot, idem) VALUES (m, sp, d, t, k) RETURNING id INTO bid;
  INSERT INTO outbox (booking_id, payload) VALUES (bid, jsonb_build_object('m', m, 'space', sp, 'day', d, 'slot', t));
  RETURN bid;
END $$;
