-- Open311 as the specification says (issue 10 §6).
-- media_url: the address of a picture (or other media) the client sent with a request, kept as
-- sent so that the Open311 feed can give it back; '' when there is none.
ALTER TABLE requests ADD COLUMN media_url TEXT NOT NULL DEFAULT '';
-- allow_anonymous: a service that takes requests without a name or contact through Open311, as
-- generic Open311 apps send them; such a request has no citizen and nobody is notified.
ALTER TABLE services ADD COLUMN allow_anonymous BOOLEAN NOT NULL DEFAULT FALSE;
