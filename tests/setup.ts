// Shared test set-up: quiet logs unless a test asks for them.
process.env.LOG_LEVEL ??= 'silent'
