-- Smart search (CLIP). The embeddings live in a sqlite-vec vec0 virtual table, smart_search_vec, which
-- SmartSearchStore creates at run time once the extension is loaded and the model's width is known (vec0 needs the
-- width in its declaration, and a database must still open where vec0.so is missing). Its rowid is smart_search.id;
-- a trigger made alongside it deletes the vector when the row goes (e.g. by the asset's cascade).
CREATE TABLE smart_search (
  id        INTEGER PRIMARY KEY,
  assetId   TEXT NOT NULL UNIQUE REFERENCES assets (id) ON DELETE CASCADE,
  createdAt TEXT NOT NULL
);

-- The model the stored embeddings came from (one row). A different model or width empties smart_search.
CREATE TABLE smart_search_model (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  modelName TEXT NOT NULL,
  dimension INTEGER NOT NULL
);
