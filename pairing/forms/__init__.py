"""Forms, one module per area. Every form takes `user` so its related-object choices are scoped."""
