from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "wenshu.files"
    label = "files"
    verbose_name = "附件与上传"
