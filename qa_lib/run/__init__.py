"""The monthly run: the runner and its workers, where and how it publishes, the private work folder, the contract
tables, e-mail headlines and e-mail."""
