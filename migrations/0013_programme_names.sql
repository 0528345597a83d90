-- The programme's name as it was when the sale was made: receipts and screens name the
-- programme, not its code (sales made before this version show the code).
ALTER TABLE sales ADD COLUMN programme_name TEXT;
