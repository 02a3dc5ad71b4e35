-- The offline basemap: roads, water, railway and green areas a municipality (or the demo) ships, drawn
-- beneath the data when no BASEMAP_STYLE_URL is configured. Landscape, not personal data: public.
CREATE TABLE basemap_feature (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  municipality_code text NOT NULL REFERENCES municipality (code),
  kind              text NOT NULL CHECK (kind IN ('water', 'river', 'forest', 'park', 'industrial', 'main_road', 'street', 'railway')),
  name              text,
  geom              geometry(Geometry, 3006) NOT NULL
);
CREATE INDEX basemap_feature_municipality ON basemap_feature (municipality_code);
