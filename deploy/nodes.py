"""What the caching proxy needs to know of the nodes: deploy/varnish.vcl includes the
nodes.vcl written here beside it (in the folder varnishd is given with -p vcl_path)."""

from pathlib import Path

VCL = Path(__file__).resolve().parent / "varnish.vcl"


def nodes_vcl(node_addresses, purge_token):
    """nodes.vcl for these nodes ("127.0.0.1:8001", …) and the token purges must carry."""
    if not purge_token.isalnum():
        raise ValueError("The purge token must be letters and digits only.")
    backends = []
    for number, address in enumerate(node_addresses, start=1):
        host, port = address.rsplit(":", 1)
        backends.append(
            f'backend node{number} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            "    .probe = node_health;\n    .connect_timeout = 1s;\n"
            "    .first_byte_timeout = 35s;\n}\n"
        )
    adding = "".join(
        f"    nodes.add_backend(node{number});\n" for number in range(1, len(node_addresses) + 1)
    )
    return (
        "".join(backends)
        + f"\nsub vcl_init {{\n    new nodes = directors.round_robin();\n{adding}}}\n"
        + "\nsub check_purge_token {\n"
        + f'    if (req.http.X-Purge-Token != "{purge_token}") {{\n'
        + '        return (synth(403, "Forbidden"));\n    }\n}\n'
    )


ACCESS_LOG_FORMAT = Path(__file__).with_name("access-log.format")


def access_log_command(folder):
    """varnishncsa writing a JSON line for each request the Varnish in `folder` (as
    varnish_command was given it) answers, cached or not, to standard output."""
    return [
        "varnishncsa", "-n", str(Path(folder) / "work"), "-t", "off", "-j",
        "-f", str(ACCESS_LOG_FORMAT),
    ]  # fmt: skip


def varnish_command(folder, listen, admin, node_addresses, purge_token, memory="64m",
                    listen_after_tls=None):  # fmt: skip
    """The varnishd command serving `listen` ("127.0.0.1:6081"), its files in `folder`.

    `listen_after_tls` is an address for the TLS terminator in front, which says who each
    reader is in the PROXY protocol (HAProxy's send-proxy-v2, hitch, nginx's stream
    proxy_protocol): Varnish then limits and logs each reader, not the terminator.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nodes.vcl").write_text(nodes_vcl(node_addresses, purge_token))
    (folder / "varnish.vcl").write_text(VCL.read_text())
    return [
        "varnishd", "-F", "-a", listen, "-T", admin, "-n", str(folder / "work"),
        "-f", str(folder / "varnish.vcl"), "-p", f"vcl_path={folder}",
        "-s", f"malloc,{memory}", "-p", "thread_pools=1", "-p", "thread_pool_min=10",
        # No jail: the stack's folders may sit where varnishd's own user cannot reach.
        "-j", "none",
    ] + (["-a", f"{listen_after_tls},PROXY"] if listen_after_tls else [])  # fmt: skip
