from django.db import migrations

DEFAULT_CATEGORIES = [
    ("education", "教育", "Education"),
    ("elderly_care", "养老助残", "Elderly care & assistance"),
    ("health", "医疗卫生", "Health"),
    ("transport", "交通出行", "Transport"),
    ("urban_management", "城市管理", "Urban management"),
    ("environment", "生态环境", "Environment"),
    ("culture_sport", "文化体育", "Culture & sport"),
    ("employment", "就业创业", "Employment"),
    ("housing", "住房保障", "Housing"),
    ("public_safety", "公共安全", "Public safety"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("core", "Category")
    for order, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
