using System.Diagnostics;
using System.Globalization;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Issue 9's image figures (docs/benchmarks.md, "Images"):
/// [1] decode + random left-right flip + random crop, images/s on all cores, for CIFAR-10's 32x32 JPEGs and for
///     224x224 JPEGs (the cats-vs-dogs fixture photos resized and encoded at start), ours (a parallel Map) alternating
///     with torchvision + PIL doing the same in a DataLoader with as many workers (bench/images_peer.py);
/// [2] the tutorial CNN's Fit with tf.image augmentation in the pipeline: the fraction of step time Fit waits on data;
/// [3] Utils.ImageDatasetFromDirectory over the 50,000 CIFAR-10 training JPEGs: time to first batch, images/s;
/// [4] the preprocessing layers' affine warp, per 64-image 32x32 batch.
/// Usage: bench images [--cifar N] [--large N] [--rounds R] [--steps S] [--epochs E] [--no-directory]
/// </summary>
public static class ImagesBench
{
    static readonly Generator Random = new(1);
    static readonly Scalar ByteMax = 255.0.ToScalar();

    public static int Run(string[] args)
    {
        int cifar = Option(args, "--cifar", 10000), large = Option(args, "--large", 1500), rounds = Option(args, "--rounds", 2);
        int steps = Option(args, "--steps", 60), epochs = Option(args, "--epochs", 2);
        Console.WriteLine($"images bench: {Environment.ProcessorCount} cores, libtorch threads {get_num_threads()}, load average {PipelineBench.LoadAverage()}");
        var root = CifarTree();
        var work = Path.Combine(Path.GetTempPath(), "pipeline-bench-images");
        Directory.CreateDirectory(work);

        var cifarFiles = Directory.GetFiles(Path.Combine(root, "train"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var small = Enumerable.Range(0, cifar).Select(i => cifarFiles[(int)((long)i * cifarFiles.Length / cifar)]).ToArray();
        var photos = LargeJpegs(Path.Combine(work, "224"), large);
        DecodeAugment("CIFAR-10 32x32 JPEGs, crop 28x28", small, 28, rounds, work);
        DecodeAugment("224x224 JPEGs, crop 200x200", photos, 200, rounds, work);
        FitWait(steps, epochs);
        if (!args.Contains("--no-directory")) DirectoryDataset(Path.Combine(root, "train"));
        Warps();
        return 0;
    }

    static void DecodeAugment(string what, string[] files, int crop, int rounds, string work)
    {
        Console.WriteLine();
        Console.WriteLine($"[1] decode + RandomFlipLeftRight + RandomCrop, batches of 64, {what}: {files.Length:N0} files, {Environment.ProcessorCount} workers each (images/s, start-up included)");
        var list = Path.Combine(work, $"files-{crop}.txt");
        File.WriteAllLines(list, files);
        var ours = new List<double>();
        var peer = new List<double>();
        Ours(files.Take(Math.Min(256, files.Length)).ToArray(), crop);   // warm-up (JIT, thread pool)
        for (int r = 0; r < rounds; r++)
        {
            ours.Add(Ours(files, crop));
            if (Peer(list, crop) is double p) peer.Add(p);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {r + 1}: ours {ours[^1],8:N0} images/s   torchvision+PIL {(peer.Count > r ? peer[^1].ToString("N0", CultureInfo.InvariantCulture) : "n/a"),8} images/s   (load average {PipelineBench.LoadAverage()})"));
        }
        PipelineBench.Report($"ours, best of {rounds} (images/s)", ours.Max(), "images/s");
        if (peer.Count > 0)
        {
            PipelineBench.Report($"torchvision + PIL, best of {rounds} (images/s)", peer.Max(), "images/s");
            PipelineBench.Report("ours / torchvision (best against best)", ours.Max() / peer.Max(), "x");
        }
    }

    /// <summary>Images per second from building the pipeline to its last batch of 64 (start-up included, as on the peer's side).</summary>
    static double Ours(string[] files, int crop)
    {
        var clock = Stopwatch.StartNew();
        var batches = Dataset.FromTensorSlices(files)
            .Map(path => Augment(Image.DecodeJpeg(File.ReadAllBytes(path), channels: 3), crop), numParallelCalls: Dataset.Autotune)
            .Batch(64);
        long n = 0;
        foreach (var batch in batches)
        {
            n += batch.shape[0];
            batch.Dispose();
        }
        return n / clock.Elapsed.TotalSeconds;
    }

    static Tensor Augment(Tensor image, int crop)
    {
        using (image)
        using (var flipped = Image.RandomFlipLeftRight(image, Random))
            return Image.RandomCrop(flipped, crop, crop, Random);
    }

    static double? Peer(string list, int crop)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(PipelineBenchRoot(), "images_peer.py"), list, crop.ToString(CultureInfo.InvariantCulture), Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(psi)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("images_per_s ", StringComparison.Ordinal));
            if (process.ExitCode == 0 && line is not null) return double.Parse(line["images_per_s ".Length..], CultureInfo.InvariantCulture);
            Console.WriteLine($"  torchvision peer failed (exit {process.ExitCode}): {error.Result.Trim().Split('\n').LastOrDefault()} (apt-get install -y python3-torchvision python3-pil)");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"  torchvision peer not run: {e.Message}");
        }
        return null;
    }

    static void FitWait(int steps, int epochs)
    {
        Console.WriteLine();
        Console.WriteLine($"[2] Model.Fit with augmentation in the pipeline: tutorial CNN, batch 64, {steps} steps x {epochs} epochs, " +
            "Shuffle -> Map(flip, pad 4, random crop 32; AUTOTUNE) -> Batch(64) -> Prefetch");
        int n = steps * 64;
        using var x = randint(0, 256, [n, 32, 32, 3], dtype: ScalarType.Byte);
        using var y = randint(0, 10, [n], dtype: ScalarType.Int64);
        var pipeline = Dataset.FromTensorSlices(x, y)
            .Shuffle(n, seed: 1)
            .Map((image, label) => (ImageOps(image), label), numParallelCalls: Dataset.Autotune, name: "augment")
            .Batch(64)
            .Prefetch();
        var probe = new PipelineBenchWaitProbe<(Tensor, Tensor)>(pipeline);
        using var model = CnnBench.TutorialModel();
        var clock = Stopwatch.StartNew();
        model.Fit(probe, epochs: epochs, verbose: 0);
        clock.Stop();
        PipelineBench.Report("time per step (Fit, all epochs)", clock.Elapsed.TotalMilliseconds / probe.Elements, "ms");
        PipelineBench.Report("time Fit waited for the next batch per step", probe.Waited.TotalMilliseconds / probe.Elements, "ms");
        PipelineBench.Report($"fraction of Fit's step time waiting on input (first batch of each epoch included; load average {PipelineBench.LoadAverage()})", 100 * probe.Waited / clock.Elapsed, "%");
    }

    /// <summary>The tutorial's tf.image augment: to [0, 1], random_flip_left_right, pad to 40x40, random_crop 32x32.</summary>
    static Tensor ImageOps(Tensor image)
    {
        var x = image.to_type(ScalarType.Float32).div_(ByteMax);
        x = Image.RandomFlipLeftRight(x, Random);
        x = Image.PadToBoundingBox(x, 4, 4, 40, 40);
        return Image.RandomCrop(x, 32, 32, Random);
    }

    static void DirectoryDataset(string directory)
    {
        Console.WriteLine();
        Console.WriteLine($"[3] Utils.ImageDatasetFromDirectory({directory}, imageSize (32, 32), batch 32, seed 1): one epoch");
        var clock = Stopwatch.StartNew();
        var dataset = Utils.ImageDatasetFromDirectory(directory, imageSize: (32, 32), batchSize: 32, seed: 1);
        long images = 0;
        double first = 0;
        foreach (var (batch, labels) in dataset)
        {
            if (images == 0) first = clock.Elapsed.TotalMilliseconds;
            images += batch.shape[0];
            batch.Dispose();
            labels.Dispose();
        }
        clock.Stop();
        PipelineBench.Report("files", dataset.FilePaths.Count, "");
        PipelineBench.Report("time to first batch (listing the files included)", first, "ms");
        PipelineBench.Report($"images/s over the epoch (load average {PipelineBench.LoadAverage()})", images / clock.Elapsed.TotalSeconds, "images/s");
    }

    static void Warps()
    {
        Console.WriteLine();
        Console.WriteLine($"[4] affine warps (bilinear, reflect) of a 64x32x32x3 float batch, libtorch threads {get_num_threads()}");
        using var x = rand([64, 32, 32, 3], generator: Random);
        foreach (var (name, layer) in new (string, Layer)[]
        {
            ("RandomRotation(15/360)", new RandomRotation(15 / 360.0, seed: 1)),
            ("RandomTranslation(0.1, 0.1)", new RandomTranslation(0.1, 0.1, seed: 2)),
            ("RandomZoom(0.1)", new RandomZoom(0.1, seed: 3)),
            ("RandomFlip(\"horizontal\") (no warp, for scale)", new RandomFlip("horizontal", seed: 4)),
        })
        {
            using (layer)
            {
                for (int i = 0; i < 5; i++) layer.Call(x, training: true).Dispose();
                const int reps = 40;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < reps; i++) layer.Call(x, training: true).Dispose();
                var wall = clock.Elapsed.TotalMilliseconds / reps;
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / reps;
                PipelineBench.Report($"{name}: wall ms per batch", wall, "ms");
                PipelineBench.Report($"{name}: CPU ms per batch (load average {PipelineBench.LoadAverage()})", cpuMs, "ms");
            }
        }
    }

    /// <summary>The 50,000 CIFAR-10 training JPEGs, unpacked once into a temp folder.</summary>
    static string CifarTree()
    {
        var shared = Path.Combine(RecordsBench.SharedDir(), "datasets", "cifar10-train-jpeg.tar.gz");
        var target = Path.Combine(Path.GetTempPath(), "pipeline-bench-images", "cifar");
        if (Directory.Exists(Path.Combine(target, "train"))
            && Directory.EnumerateFiles(Path.Combine(target, "train"), "*.jpg", SearchOption.AllDirectories).Take(50_001).Count() >= 50_000)
            return target;
        Directory.CreateDirectory(target);
        Console.WriteLine($"unpacking {shared} into {target} (once)");
        var tar = Process.Start("tar", ["-xzf", shared, "-C", target])!;
        tar.WaitForExit();
        if (tar.ExitCode != 0) throw new InvalidOperationException($"tar -xzf {shared} failed with {tar.ExitCode}.");
        return target;
    }

    /// <summary>224x224 JPEGs (quality 90) made from the cats-vs-dogs fixture photos, cycled to <paramref name="count"/> files.</summary>
    static string[] LargeJpegs(string folder, int count)
    {
        var sources = Directory.GetFiles(Path.Combine(RecordsBench.SharedDir(), "fixtures", "cats-vs-dogs"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Directory.CreateDirectory(folder);
        var files = new string[count];
        for (int i = 0; i < count; i++)
        {
            files[i] = Path.Combine(folder, $"{i:D5}.jpg");
            if (File.Exists(files[i])) continue;
            using var decoded = Image.DecodeJpeg(File.ReadAllBytes(sources[i % sources.Length]), channels: 3);
            using var resized = Image.Resize(decoded, 224, 224, antialias: true);
            using var rounded = resized.round();
            using var pixels = rounded.to_type(ScalarType.Byte);
            File.WriteAllBytes(files[i], Image.EncodeJpeg(pixels, quality: 90));
        }
        return files;
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }

    static string PipelineBenchRoot() => Path.Combine(RepositoryRoot(), "bench");

    static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
