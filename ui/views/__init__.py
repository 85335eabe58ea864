"""Views: build widgets and layout only; controllers make them behave."""
