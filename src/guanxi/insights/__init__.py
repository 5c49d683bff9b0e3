"""Customer value insights (客户价值管理): classification, purchase models and their snapshots.

``guanxi.insights.metrics`` holds the pure numerics (no ORM, no database); the rest of the app feeds it
arrays read through the visibility scope and stores what it returns.
"""
