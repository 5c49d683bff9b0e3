from ninja import NinjaAPI

api = NinjaAPI(title="guanxi API", version="1", urls_namespace="api")
