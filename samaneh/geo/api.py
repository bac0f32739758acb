"""Public, read-only API over the org-unit tree: the country's divisions are public data."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from samaneh.core.text import localize_digits
from samaneh.geo import selectors
from samaneh.geo.models import Administration, OrgUnit


class OrgUnitPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class OrgUnitFilterSerializer(serializers.Serializer):
    parent = serializers.IntegerField(
        required=False, min_value=1, help_text=_("فقط فرزندان مستقیم این واحد"),
        error_messages={
            "invalid": _("شناسه واحد بالادست باید عدد باشد."),
            "min_value": _("شناسه واحد بالادست نادرست است."),
        },
    )
    kind = serializers.ChoiceField(
        required=False, choices=OrgUnit.Kind.choices, help_text=_("نوع واحد"),
        error_messages={"invalid_choice": _("نوع واحد «{input}» شناخته نیست.")},
    )
    level = serializers.IntegerField(
        required=False, min_value=min(OrgUnit.LEVELS.values()), max_value=max(OrgUnit.LEVELS.values()),
        help_text=_("سطح در درخت: ۰ کشور، ۱ استان، ۲ شهرستان، ۳ بخش، ۴ شهر و دهستان، ۵ روستا"),
        error_messages={
            "invalid": _("سطح باید عدد باشد."),
            "min_value": _("سطح باید بین ۰ و ۵ باشد."),
            "max_value": _("سطح باید بین ۰ و ۵ باشد."),
        },
    )
    search = serializers.CharField(
        required=False, allow_blank=True,
        help_text=_("بخشی از نام (حروف عربی ي/ك، ارقام فارسی و نیم‌فاصله هم پذیرفته است) یا ابتدای کد تقسیمات کشوری"),
    )

    def validate_search(self, value):
        limit = settings.SEARCH_MAX_LENGTH
        if len(value) > limit:
            message = _("عبارت جستجو نباید بیش از %(limit)s نویسه باشد؛ آن را کوتاه‌تر کنید.")
            raise serializers.ValidationError(message % {"limit": localize_digits(limit)})
        return value


class OrgUnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "kind_label", "level", "code", "parent"]
        read_only_fields = fields


class BreadcrumbSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)


class AdministrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Administration
        fields = ["id", "kind", "name"]
        read_only_fields = fields


class OrgUnitDetailSerializer(OrgUnitSerializer):
    breadcrumb = serializers.SerializerMethodField(help_text=_("از کشور تا خود این واحد"))
    administrations = AdministrationSerializer(many=True, read_only=True)
    children_count = serializers.SerializerMethodField()

    class Meta(OrgUnitSerializer.Meta):
        fields = [*OrgUnitSerializer.Meta.fields, "breadcrumb", "administrations", "children_count"]
        read_only_fields = fields

    @extend_schema_field(BreadcrumbSerializer(many=True))
    def get_breadcrumb(self, unit):
        return BreadcrumbSerializer(unit.ancestors(), many=True).data

    def get_children_count(self, unit) -> int:
        return unit.children.count()


@extend_schema(
    summary="Org units (country → province → county → district → city | rural district → village)",
    parameters=[OrgUnitFilterSerializer],
    responses={
        200: OrgUnitSerializer(many=True),
        400: OpenApiResponse(description="A filter is invalid; the body names the field with a Persian message."),
    },
)
class OrgUnitListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = OrgUnitSerializer
    pagination_class = OrgUnitPagination

    def get_queryset(self):
        filters = OrgUnitFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.unit_search(
            query=data.get("search", ""), kind=data.get("kind"), level=data.get("level"), parent=data.get("parent")
        )


@extend_schema(summary="One org unit, with its breadcrumb from the country and its administrations")
class OrgUnitDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = OrgUnitDetailSerializer
    queryset = OrgUnit.objects.prefetch_related("administrations")
