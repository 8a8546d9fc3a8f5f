-- Who was credited with the most SLA breaches over the window, and how many were silent.
SELECT engineer, SUM(sla_breaches) AS breaches, SUM(silent_breaches) AS silent
FROM engineer_weekly
GROUP BY engineer
ORDER BY breaches DESC, engineer
