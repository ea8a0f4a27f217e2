"""The ten default project categories (editable afterwards by the congress office)."""

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


def ensure_default_categories(category_model) -> None:
    for order, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
