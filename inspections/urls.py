from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/items/<int:item_id>/", views.record_result, name="record"),
    path("<int:pk>/finish/", views.inspection_finish, name="finish"),
    path("<int:pk>/documents/<slug:kind>/", views.document_issue, name="document-issue"),
    path("<int:pk>/documents/<slug:kind>/pdf/", views.document_pdf, name="document-pdf"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/draw/", views.plan_draw, name="plan-draw"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan-publish"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("public/", views.public_index, name="public"),
    path("public/plans/<int:pk>/", views.public_plan, name="public-plan"),
]
