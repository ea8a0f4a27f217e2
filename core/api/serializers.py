from rest_framework import serializers

from core.models import Project, Suggestion


class ProjectSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    category = serializers.CharField(source="category.code")
    lead_unit = serializers.CharField(source="lead_unit.name", default=None)
    stage_display = serializers.CharField(source="get_stage_display")

    class Meta:
        model = Project
        fields = [
            "id",
            "year",
            "title",
            "jurisdiction",
            "category",
            "stage",
            "stage_display",
            "reason",
            "content",
            "location",
            "budget",
            "fund_source",
            "lead_unit",
            "targets",
            "deadline",
            "feasible",
            "elected",
            "voted_on",
            "plan_due",
            "progress",
            "funds_spent",
            "satisfaction_rate",
            "band",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "receipt_code",
            "year",
            "jurisdiction",
            "channel",
            "title",
            "text",
            "location",
            "proposer_name",
            "status",
            "route_level",
            "route_note",
            "created",
        ]


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.CharField(source="flow_task.name")
    title = serializers.CharField(source="flow_task.task_title")
    status = serializers.CharField()
    created = serializers.DateTimeField()
    project_id = serializers.IntegerField(source="process.projectprocess.project.id")
    project_title = serializers.CharField(source="process.projectprocess.project.title")
    owner = serializers.CharField(source="owner.username", default=None)
