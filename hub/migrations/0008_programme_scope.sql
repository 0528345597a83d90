-- Hub schema 8: whether a programme was published to the whole network (then a centre created
-- later receives it at its first pull) or to chosen centres. Programmes published before this
-- schema were, in practice, published to the whole network (the console's default).
ALTER TABLE programmes ADD COLUMN all_centres INTEGER NOT NULL DEFAULT 1;
