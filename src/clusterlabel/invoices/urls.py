from django.urls import path

from clusterlabel.invoices import views

app_name = "invoices"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/pdf/", views.invoice_pdf_download, name="pdf"),
    path("<int:pk>/xml/", views.invoice_xml_download, name="xml"),
    path("<int:pk>/paid/", views.invoice_mark_paid_view, name="mark_paid"),
    path("<int:pk>/cancel/", views.invoice_cancel_view, name="cancel"),
    path("procedure/<int:procedure_pk>/issue/", views.procedure_invoices_issue, name="issue"),
]
