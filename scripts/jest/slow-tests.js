// Integration and end-to-end tests talk to real services and processes: give each test up to two minutes.
jest.setTimeout(120_000);
