"""Hand-written reads and writes of the features, one module per area, behind the store's door.

Only `reportbot.store` imports tortoise or the models; features call these functions.
"""
