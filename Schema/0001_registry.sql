-- 0001: the registry. Every table carries the county (architecture point 9).
SELECT 1;
