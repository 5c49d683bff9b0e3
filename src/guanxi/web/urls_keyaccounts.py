"""The keyaccounts pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views import keyaccounts as views

urlpatterns: list[URLPattern] = [
    path("key-accounts/", views.account_plan_list_page, name="account_plan_list"),
    path("key-accounts/plans/new/", views.account_plan_create_page, name="account_plan_create"),
    path("key-accounts/plans/<int:pk>/", views.account_plan_detail_page, name="account_plan_detail"),
    path("key-accounts/plans/<int:pk>/edit/", views.account_plan_edit_page, name="account_plan_edit"),
    path("key-accounts/plans/<int:pk>/submit/", views.account_plan_submit_action, name="account_plan_submit"),
    path(
        "key-accounts/plans/<int:pk>/approve/", views.account_plan_approve_action, name="account_plan_approve"
    ),
    path("key-accounts/plans/<int:pk>/return/", views.account_plan_return_action, name="account_plan_return"),
    path("key-accounts/plans/<int:pk>/delete/", views.account_plan_delete_action, name="account_plan_delete"),
    path(
        "key-accounts/plans/<int:pk>/versions/<int:number>/",
        views.account_plan_version_page,
        name="account_plan_version",
    ),
    path(
        "key-accounts/plans/<int:pk>/compare/", views.account_plan_compare_page, name="account_plan_compare"
    ),
    path("key-accounts/intel/", views.intel_list_page, name="intel_list"),
    path("key-accounts/intel/new/", views.intel_create_page, name="intel_create"),
    path("key-accounts/intel/<int:pk>/", views.intel_detail_page, name="intel_detail"),
    path("key-accounts/referrals/", views.referral_list_page, name="referral_list"),
    path("key-accounts/referrals/new/", views.referral_create_page, name="referral_create"),
    path(
        "key-accounts/customer/<int:customer_pk>/panel/",
        views.keyaccounts_customer_panel,
        name="keyaccounts_customer_panel",
    ),
]
