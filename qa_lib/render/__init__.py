"""What every section shares to put figures in front of people: chart style, cell and wording helpers, offline
HTML, sanitising and disclosure control."""
