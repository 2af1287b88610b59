-- Appointments: since 2023 Huduma Centres serve by online appointment, so booked and walk-in
-- customers share the hall. A citizen books a slot of a service at a centre; checking in at the
-- centre on the day turns the appointment into a ticket ranked at the slot's time.

-- How many may book each slot of a service at a centre: slots of slot_minutes inside the centre's
-- opening windows, slot_capacity places each (0: the service takes no appointments there).
ALTER TABLE queue_services ADD COLUMN slot_minutes INTEGER NOT NULL DEFAULT 15 CHECK (slot_minutes > 0);
ALTER TABLE queue_services ADD COLUMN slot_capacity INTEGER NOT NULL DEFAULT 2 CHECK (slot_capacity >= 0);

CREATE TABLE appointments (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    slot_at {{TIME}} NOT NULL,                        -- the slot's start (UTC)
    day TEXT NOT NULL,                                -- the slot's date in the centre's zone, YYYY-MM-DD
    name TEXT NOT NULL CHECK (name <> ''),
    phone TEXT NOT NULL CHECK (phone <> ''),          -- +254…: the confirmation and changes go there
    code TEXT NOT NULL UNIQUE,                        -- the reference the citizen quotes: 6 unambiguous characters
    key_hash TEXT NOT NULL,                           -- the manage link's secret, hashed (as tickets keep theirs)
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in', 'no_show')),
    ticket_id BIGINT REFERENCES tickets(id),          -- the ticket check-in gave
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);
-- Counting a slot's places (and the free slots of a day) reads the live bookings of one service
-- at one centre.
CREATE INDEX appointments_slot ON appointments (centre_id, service_id, slot_at) WHERE status IN ('booked', 'checked_in');
-- Marking no-shows reads the bookings whose time has passed.
CREATE INDEX appointments_booked ON appointments (slot_at) WHERE status = 'booked';
-- One booking per phone, service and day.
CREATE INDEX appointments_phone ON appointments (phone, day);
