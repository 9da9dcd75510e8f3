using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Pipeline.Models.Tests.Datasets;

/// <summary><c>Utils.GetFile</c> against a loopback HTTP server (never the internet).</summary>
public sealed class GetFileTests : IDisposable
{
    readonly string _cache = Directory.CreateTempSubdirectory("getfile-tests-").FullName;
    readonly byte[] _payload = RandomNumberGenerator.GetBytes(300_000);
    readonly HttpListener _listener = new();
    readonly List<string?> _ranges = [];
    readonly string _url;
    Thread? _server;
    int _breakFirstResponses;

    public GetFileTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _url = $"http://127.0.0.1:{port}/files/data.bin";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _server = new Thread(Serve) { IsBackground = true };
        _server.Start();
    }

    void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = _listener.GetContext(); } catch (Exception) { return; }
            var range = context.Request.Headers["Range"];
            lock (_ranges) _ranges.Add(range);
            long start = range is not null && range.StartsWith("bytes=") ? long.Parse(range[6..].TrimEnd('-')) : 0;
            var response = context.Response;
            response.StatusCode = start > 0 ? 206 : 200;
            response.ContentLength64 = _payload.Length - start;
            try
            {
                if (Interlocked.Decrement(ref _breakFirstResponses) >= 0)
                {
                    // Send a third of what was promised, then drop the connection.
                    response.OutputStream.Write(_payload, (int)start, (_payload.Length - (int)start) / 3);
                    response.OutputStream.Flush();
                    response.Abort();
                    continue;
                }
                response.OutputStream.Write(_payload, (int)start, _payload.Length - (int)start);
                response.Close();
            }
            catch (Exception) { response.Abort(); }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _server?.Join(TimeSpan.FromSeconds(10));
        Directory.Delete(_cache, recursive: true);
    }

    string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_payload));

    [Fact]
    public void Downloads_once_into_the_cache_checks_the_hash_and_shows_progress()
    {
        var progress = new StringWriter();
        var path = Utils.GetFile("data.bin", _url, fileHash: Sha256, cacheDir: _cache, progress: progress);
        Assert.Equal(Path.Combine(_cache, "datasets", "data.bin"), path);
        Assert.Equal(_payload, File.ReadAllBytes(path));
        Assert.Contains($"Downloading data from {_url}", progress.ToString());
        Assert.Contains($"{_payload.Length}/{_payload.Length} [==============================] 100%", progress.ToString());
        // Cached: a second call asks the server nothing.
        Assert.Equal(path, Utils.GetFile("data.bin", _url, fileHash: Sha256, cacheDir: _cache, progress: TextWriter.Null));
        Assert.Single(_ranges);
    }

    [Fact]
    public void A_broken_connection_resumes_where_it_stopped()
    {
        _breakFirstResponses = 2;
        var progress = new StringWriter();
        var path = Utils.GetFile("data.bin", _url, fileHash: Sha256, cacheDir: _cache, progress: progress);
        Assert.Equal(_payload, File.ReadAllBytes(path));
        Assert.Equal(3, _ranges.Count);
        Assert.Null(_ranges[0]);
        Assert.Equal($"bytes={_payload.Length / 3}-", _ranges[1]);      // resumed, not restarted
        Assert.Contains("resuming", progress.ToString());
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void A_wrong_hash_deletes_the_download_and_names_both_hashes()
    {
        var wrong = new string('0', 64);
        var error = Assert.Throws<InvalidDataException>(() => Utils.GetFile("data.bin", _url, fileHash: wrong, cacheDir: _cache, progress: TextWriter.Null));
        Assert.Contains(wrong, error.Message);
        Assert.Contains(Sha256, error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_cache, "datasets")));
    }

    [Fact]
    public void A_cached_file_with_a_stale_hash_is_downloaded_again()
    {
        Directory.CreateDirectory(Path.Combine(_cache, "datasets"));
        File.WriteAllBytes(Path.Combine(_cache, "datasets", "data.bin"), [1, 2, 3]);
        var progress = new StringWriter();
        var path = Utils.GetFile("data.bin", _url, fileHash: Sha256, cacheDir: _cache, progress: progress);
        Assert.Equal(_payload, File.ReadAllBytes(path));
        Assert.Contains("re-download", progress.ToString());
    }
}
