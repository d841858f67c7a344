"""Order checks and the discrepancies they open: findings, routing, people's actions, the queue."""
