"""The application: pipeline, service, jobs, reports and the actions a person can take."""
