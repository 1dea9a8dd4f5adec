# Varnish 7 in front of the app nodes: public pages cached for everyone and purged by
# surrogate key (xkey), the admin passed through, nodes probed, the last good copy
# served while every node is down. The nodes and the purge token come from nodes.vcl
# beside this file, written by deploy/stack.py (or by hand in production):
#   backends node1, node2, … with `.probe = node_health`, a `sub vcl_init` adding them to
#   `nodes` (a round-robin director), and `sub check_purge_token`.
vcl 4.1;

import directors;
import std;
import vsthrottle;
import xkey;

probe node_health {
    # /healthz asks nothing of the database: a node that answers is alive.
    .request = "GET /healthz HTTP/1.1"
        "Host: 127.0.0.1"
        "Connection: close";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

include "nodes.vcl";

sub vcl_recv {
    set req.backend_hint = nodes.backend();
    # One request id from the access log (varnishncsa, deploy/access-log.format) to the
    # node's log lines: the one a load balancer in front gave, if it is a plain token,
    # or Varnish's own transaction id.
    if (req.http.X-Request-ID !~ "^[A-Za-z0-9._-]{1,64}$") {
        set req.http.X-Request-ID = server.identity + "-" + req.xid;
    }
    if (req.method == "PURGE") {
        # Everyone is on loopback on one machine: a token, not an address, says who
        # may purge.
        call check_purge_token;
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.method == "BAN") {
        return (synth(405, "Method Not Allowed"));
    }
    # The operator's endpoints are asked of each node directly, never of the public
    # address.
    if (req.url ~ "^/(healthz|readyz|metrics)(/|\?|$)") {
        return (synth(404, "Not Found"));
    }
    if (req.url ~ "^/admin(/|$)" || (req.method != "GET" && req.method != "HEAD")) {
        return (pass);
    }
    # Public pages are the same for everyone (the newsroom previews in the admin): a
    # cookie changes nothing, so a forged session cookie gets the cached copy.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # Only the parameters some page or the API reads make a copy of their own: a flood
    # of made-up ones (or a campaign's utm_ tags) finds the one copy already held.
    set req.url = regsuball(req.url,
        "(?<=[?&])(?!(?:q|tag|page|p|before|after|section|kind|topics|author|since|until|page_size|cursor)=)[^&]*(&|$)", "");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;  # stale-while-revalidate: a fresh copy is on its way
    }
    return (hash);
}

sub vcl_miss {
    # What reaches the nodes is limited per client (a flood of distinct addresses, say);
    # copies served from the cache are not, nor readers waiting on a fetch under way. A
    # rate, not a lockout: a client past it still gets each page once it is fetched.
    if (vsthrottle.is_denied("fetch:" + client.identity, 100, 1s)) {
        return (synth(429, "Too Many Requests"));
    }
}

sub vcl_pass {
    if (vsthrottle.is_denied("fetch:" + client.identity, 100, 1s)) {
        return (synth(429, "Too Many Requests"));
    }
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # A node that fails while a stale copy is refreshed: keep serving the copy.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        # Otherwise pass the failure on, remembered for a second only: the built-in rule
        # would make the address uncacheable for two minutes.
        set beresp.ttl = 1s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Kept for a day past its lifetime, for when every node is down (stale-if-error);
    # a purge still drops it at once.
    set beresp.grace = 24h;
    # Pages, feeds and the API are stored compressed, once: readers who ask for gzip
    # (every browser, most API clients) get it as stored, the rest unpacked. Static
    # files come compressed from the node already (WhiteNoise).
    if (!beresp.http.Content-Encoding
            && beresp.http.Content-Type ~ "^(text/|application/([a-z+]*json|[a-z+]*xml))") {
        set beresp.do_gzip = true;
    }
    # Varnish's built-in rules follow: a response that sets a cookie, or says private
    # or no-store, is never cached.
}

sub vcl_backend_error {
    # A node that died since its last probe: ask another, once, for what is safe to ask
    # again.
    if (bereq.method == "GET" || bereq.method == "HEAD") {
        if (bereq.retries < 1) {
            return (retry);
        }
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    # A stored copy holds the id of the request that fetched it: say this one's.
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
