"""A loopback stand-in for an S3 server that lists and serves whatever keys it
is given, including keys no real store holds (RGW refuses keys over 1024
bytes): what a hostile or broken server could send.

It answers just enough for `shoal index` and a read-only mount: path-style
ListObjectsV2 (prefix, delimiter, start-after; one page), and GET and HEAD
of an object, with Range. Signatures are not checked.

    with ListingServer("bkt", {"key": b"bytes"}) as server:
        ... shoal index s3://bkt --endpoint server.endpoint ...
"""
import email.utils
import hashlib
import http.server
import threading
import urllib.parse
from xml.sax.saxutils import escape

MTIME = "2026-01-01T00:00:00.000Z"


class ListingServer:
    def __init__(self, bucket, objects):
        self.bucket = bucket
        self.objects = dict(objects)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.answer(self, with_body=True)

            def do_HEAD(self):
                server.answer(self, with_body=False)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, request, with_body):
        url = urllib.parse.urlsplit(request.path)
        path = urllib.parse.unquote(url.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if path.rstrip("/") == "/" + self.bucket and "list-type" in query:
            self.send(request, 200, {"Content-Type": "application/xml"},
                      self.listing(query).encode(), with_body)
        elif path.startswith(f"/{self.bucket}/") and path[len(self.bucket) + 2:] in self.objects:
            self.serve_object(request, self.objects[path[len(self.bucket) + 2:]], with_body)
        else:
            body = b"<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>"
            self.send(request, 404, {"Content-Type": "application/xml"}, body, with_body)

    def listing(self, query):
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        after = query.get("start-after", "")
        contents, prefixes = [], []
        for key in sorted(k for k in self.objects if k.startswith(prefix) and k > after):
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                common = key[:cut + len(delimiter)]
                if common not in prefixes:
                    prefixes.append(common)
                continue
            contents.append(
                f"<Contents><Key>{escape(key)}</Key><LastModified>{MTIME}</LastModified>"
                f"<ETag>&quot;{etag(self.objects[key])}&quot;</ETag>"
                f"<Size>{len(self.objects[key])}</Size></Contents>")
        common = "".join(f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>"
                         for p in prefixes)
        return ('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult>'
                f"<Name>{escape(self.bucket)}</Name><Prefix>{escape(prefix)}</Prefix>"
                f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount>"
                f"<IsTruncated>false</IsTruncated>{''.join(contents)}{common}</ListBucketResult>")

    def serve_object(self, request, data, with_body):
        headers = {"ETag": f'"{etag(data)}"', "Content-Type": "application/octet-stream",
                   "Last-Modified": email.utils.formatdate(1767225600, usegmt=True)}
        status, body = 200, data
        ranged = request.headers.get("Range", "")
        if ranged.startswith("bytes="):
            first, last = ranged[len("bytes="):].split("-")
            first, last = int(first), min(int(last), len(data) - 1)
            status, body = 206, data[first:last + 1]
            headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        self.send(request, status, headers, body, with_body)

    @staticmethod
    def send(request, status, headers, body, with_body):
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if with_body:
            request.wfile.write(body)


def etag(data):
    return hashlib.md5(data).hexdigest()
