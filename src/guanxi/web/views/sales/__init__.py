"""The sales pages: products and orders, the opportunity board and forecast, contracts and payments."""
