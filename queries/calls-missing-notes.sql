-- Call worklogs without call notes, and call notes without reported time.
SELECT ticket, kind, at, engineer, minutes, missing, week
FROM calls
WHERE missing IS NOT NULL
ORDER BY at
