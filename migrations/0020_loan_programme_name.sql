-- Schema 20: a loan keeps its programme's name as it was when lent (as a sale does since schema
-- 13), so that the agreement and the screens name the programme, not its code. Loans made
-- before keep their code (NULL here; they show the code).
ALTER TABLE loans ADD COLUMN programme_name TEXT;
