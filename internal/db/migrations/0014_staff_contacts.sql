-- Staff contacts and duties (issue 5): feedback alerts reach a centre manager by SMS as well as by
-- e-mail, so staff have a mobile number; and corruption reports go only to integrity officers,
-- a duty any account may be given (it is not a role: an integrity officer is usually an auditor,
-- and the duty must not come with a role's other rights).
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN integrity_officer BOOLEAN NOT NULL DEFAULT FALSE;
