-- A 10-line quote body is about 2.4 kB: above the default TOAST threshold (~2 kB), so every insert
-- tried to compress it (pglz, measured at 2.5 % of the CPU of a quote benchmark). Keep rows up to
-- the page limit inline and uncompressed; larger quotes (up to 100 lines) are still compressed.
ALTER TABLE quotes SET (toast_tuple_target = 8160);
