-- Issue 5: the older 1–5 rating of a resolved request (request_ratings, 0005) joins the one model
-- of ratings (1–4, 0013), with source 'link' — the resolution SMS's link it came from.

-- A request is rated once, as a visit is. Should two ratings of one request have slipped in at the
-- same moment before this rule, the first is kept.
DELETE FROM ratings WHERE request_id IS NOT NULL
    AND id > (SELECT MIN(x.id) FROM ratings x WHERE x.request_id = ratings.request_id);
CREATE UNIQUE INDEX ratings_request ON ratings (request_id);

-- Five faces become four: 1 and 2 keep their meaning, 3 (neutral) and 4 (happy) are happy, 5 is
-- very happy. The rating is about the request's centre, service and agency, and its assignee.
INSERT INTO ratings (source, score, reason, comment, centre_id, officer_id, service_id, agency_id, request_id, suspect, at)
SELECT 'link',
       CASE rr.score WHEN 4 THEN 3 WHEN 5 THEN 4 ELSE rr.score END,
       '', rr.comment, r.centre_id, r.assignee_id, r.service_id, r.agency_id, rr.request_id, '', rr.rated_at
FROM request_ratings rr JOIN requests r ON r.id = rr.request_id
WHERE NOT EXISTS (SELECT 1 FROM ratings x WHERE x.request_id = rr.request_id)
ORDER BY rr.rated_at, rr.request_id;

DROP TABLE request_ratings;
