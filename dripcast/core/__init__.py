"""Domain values, errors, config and channel models, the publisher protocol. Imports nothing of ours."""
