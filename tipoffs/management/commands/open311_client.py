"""Open311 API clients: `create NAME --region CODE` prints the key once; `list`; `revoke PREFIX`."""
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from hazardtrack.errors import DomainError
from tipoffs.models import Open311Client
from tipoffs.services import open311_client_create


class Command(BaseCommand):
    help = "管理 Open311 接口客户端（API key 只在创建时显示一次）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--region", required=True, help="默认区划代码（县区或乡镇）")
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区划 {options['region']} 不存在")
            try:
                client, key = open311_client_create(name=options["name"], region=region)
            except DomainError as error:
                raise CommandError(str(error))
            self.stdout.write(f"已创建客户端 {client.name}（{client.region.name}）。API key（只显示这一次）：")
            self.stdout.write(key)
        elif action == "list":
            for client in Open311Client.objects.select_related("region"):
                state = "启用" if client.is_active else "停用"
                self.stdout.write(f"{client.key_prefix}  {client.name}  {client.region.name}  {state}")
        else:
            changed = Open311Client.objects.filter(key_prefix=options["prefix"]).update(is_active=False)
            if not changed:
                raise CommandError("没有该前缀的客户端")
            self.stdout.write("已停用")
