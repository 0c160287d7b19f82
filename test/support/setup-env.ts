// Runs in every test worker before the test file: tests run under NODE_ENV=test.
process.env.NODE_ENV = 'test';
