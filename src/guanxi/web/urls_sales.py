"""The sales pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views.sales import contracts, orders, pipeline

urlpatterns: list[URLPattern] = [
    path("pipeline/", pipeline.pipeline_board, name="pipeline_board"),
    path("pipeline/forecast/", pipeline.forecast_page, name="forecast"),
    path("opportunities/new/", pipeline.opportunity_create_page, name="opportunity_create"),
    path("opportunities/<int:pk>/", pipeline.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", pipeline.opportunity_edit_page, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", pipeline.opportunity_move_page, name="opportunity_move"),
    path("contracts/", contracts.contract_list_page, name="contract_list"),
    path("contracts/overdue/", contracts.overdue_payments_page, name="overdue_payments"),
    path("contracts/new/", contracts.contract_create_page, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit_page, name="contract_edit"),
    path("contracts/<int:pk>/plan/", contracts.plan_item_add_action, name="plan_item_add"),
    path(
        "contracts/<int:pk>/plan/<int:item_pk>/delete/",
        contracts.plan_item_delete_action,
        name="plan_item_delete",
    ),
    path("contracts/<int:pk>/payments/", contracts.payment_add_action, name="payment_add"),
    path(
        "contracts/<int:pk>/payments/<int:payment_pk>/delete/",
        contracts.payment_delete_action,
        name="payment_delete",
    ),
    path("customers/<int:pk>/sales-panel/", contracts.customer_sales_panel, name="customer_sales_panel"),
    path("products/", orders.product_list_page, name="product_list"),
    path("products/new/", orders.product_form_page, name="product_create"),
    path("products/<int:pk>/edit/", orders.product_form_page, name="product_edit"),
    path("orders/", orders.order_list_page, name="order_list"),
    path("orders/new/", orders.order_form_page, name="order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", orders.order_form_page, name="order_edit"),
]
