from django import forms


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="花名册文件（.xlsx）", help_text="请使用下载的模板填写，不超过 5 MB、10000 行")
