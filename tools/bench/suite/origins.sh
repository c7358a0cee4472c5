# The servers a scenario reads from (sourced by scripts/bench). RGW itself is
# started by bench-lib.sh's start_rgw. In front of it, one
# shoal-latency-proxy per non-zero latency makes it answer like a remote
# object store (each response's first byte waits that long). Beside it,
# nginx serves the same datasets from local disk as a public-read bucket:
# a faster origin than RGW, to find shoal's own ceiling.
#
# nginx answers a GET with If-Match (shoal sends the manifest's ETag) by
# comparing it with its own mtime-size ETag, which never matches an S3 ETag;
# so a front server drops If-Match and passes the request on, over kept-alive
# connections, to the server that sends the files. The front server also
# answers a bucket listing (the one request a mount makes to check the
# bucket) with an empty page: nginx cannot list, and reads never need to.

declare -A origin_url
proxy_pids=()

start_origins() {  # start_origins "LATENCIES..."
  local lat port
  for lat in $1; do
    if [[ $lat == 0 ]]; then origin_url[0]=$rgw; continue; fi
    port=$(free_port)
    "$root/build/release/tools/shoal-latency-proxy" "$port" "${rgw##*:}" "$lat" &
    proxy_pids+=($!)
    origin_url[$lat]="http://127.0.0.1:$port"
  done
  local front back
  front=$(free_port)
  back=$(free_port)
  mkdir -p "$work/nginx/root"
  cat >"$work/nginx/nginx.conf" <<CONF
user root;
worker_processes 2;
daemon on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/octet-stream;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  upstream files { server 127.0.0.1:$back; keepalive 128; }
  server {
    listen 127.0.0.1:$front;
    location ~ "^/[^/]+/?\$" {
      default_type application/xml;
      return 200 '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><KeyCount>0</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';
    }
    location / {
      proxy_pass http://files;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header If-Match "";
      proxy_buffering off;
    }
  }
  # No ETag: nginx's own (mtime-size) is not the bucket's, and shoal refuses an
  # answer whose ETag differs from the one it asked for.
  server { listen 127.0.0.1:$back; root $work/nginx/root; etag off; }
}
CONF
  nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" 2>>"$work/nginx/error.log"
  origin_url[nginx]="http://127.0.0.1:$front"
  sleep 0.3
}

stop_origins() {
  local p
  for p in "${proxy_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/nginx/nginx.pid ]] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
}

# serve_from_nginx NAME: the dataset's local copy as bucket NAME, prefix ds/.
serve_from_nginx() {
  mkdir -p "$work/nginx/root/$1"
  ln -sfn "$work/src/$1" "$work/nginx/root/$1/ds"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
