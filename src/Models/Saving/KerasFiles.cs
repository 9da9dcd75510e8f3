using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Models.Saving;

/// <summary>What <c>Save</c>, <c>SaveWeights</c>, <c>LoadWeights</c> and <c>LoadModel</c> do, by file kind.</summary>
internal static class KerasFiles
{
    enum Kind { Zip, Hdf5, Other }

    static ReadOnlySpan<byte> Hdf5Signature => [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

    static Kind Sniff(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: '{path}'.", path);
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Kind.Zip;
        if (n == 8 && head.SequenceEqual(Hdf5Signature)) return Kind.Hdf5;
        return Kind.Other;
    }

    static KerasFileException Foreign(string path) =>
        new(path, "it is neither a Keras 3 .keras zip nor an HDF5 (.h5) file (wrong signature). It may be truncated, corrupt, or another kind of file.");

    // ------------------------------------------------------------------ saving

    // Every save queues its values on HostCopies (the layout transposes run on a worker, in file order) and starts
    // them before the HDF5 structure is laid out, so the writer writes one value while the next is being made.

    public static void SaveKeras(Model model, string path)
    {
        var config = ModelConfig.Serialize(model);
        if (CompileConfig.Keras3(model.CompiledSettings()) is { } compile) config["compile_config"] = compile;
        var metadata = new JsonObject
        {
            ["keras_version"] = KerasFormat.KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
        };
        using var copies = new HostCopies();
        var entries = WeightsBinding.Snapshot(model, includeOptimizer: true, copies);
        copies.Start();
        var writer = new H5Writer();
        KerasWeightsFile.Write(writer, entries);
        var configText = JsonConfig.Write(config);
        var metadataText = JsonConfig.Write(metadata);
        FilePublisher.Write(path, stream => KerasArchive.Write(stream, configText, metadataText, writer));
    }

    public static void SaveWeights(Model model, string path, IReadOnlyDictionary<string, string>? rootAttributes = null)
    {
        using var copies = new HostCopies();
        var entries = WeightsBinding.Snapshot(model, includeOptimizer: true, copies);
        copies.Start();
        var writer = new H5Writer();
        KerasWeightsFile.Write(writer, entries);
        foreach (var (name, value) in rootAttributes ?? new Dictionary<string, string>()) writer.Attribute("", name, value);
        FilePublisher.Write(path, writer.WriteTo);
    }

    public static void SaveLegacyWeights(Model model, string path)
    {
        using var copies = new HostCopies();
        var layers = LegacyBinding.Snapshot(model, copies);
        copies.Start();
        var writer = new H5Writer();
        LegacyH5Weights.Write(writer, "", layers, KerasFormat.KerasVersion);
        FilePublisher.Write(path, writer.WriteTo);
    }

    public static void SaveLegacyModel(Model model, string path)
    {
        using var copies = new HostCopies();
        var layers = LegacyBinding.Snapshot(model, copies);
        var writer = new H5Writer();
        LegacyH5Weights.Write(writer, "model_weights", layers, KerasFormat.KerasVersion);
        LegacyOptimizerWeights.Write(writer, model, copies);
        copies.Start();
        writer.Attribute("", "keras_version", KerasFormat.KerasVersion);
        writer.Attribute("", "backend", KerasFormat.Backend);
        writer.Attribute("", "model_config", JsonConfig.Write(ModelConfig.Serialize(model)));
        if (CompileConfig.Keras2(model.CompiledSettings()) is { } training) writer.Attribute("", "training_config", JsonConfig.Write(training));
        FilePublisher.Write(path, writer.WriteTo);
    }

    // ------------------------------------------------------------------ loading

    /// <summary>A string attribute of an HDF5 file's root group, or null.</summary>
    public static string? RootAttribute(string path, string name)
    {
        using var reader = H5Reader.Open(path);
        return reader.StringAttribute(reader.Root, name, "/");
    }

    public static void LoadWeights(Model model, string path, bool skipMismatch, bool byName)
    {
        switch (Sniff(path))
        {
            case Kind.Zip:
                using (var archive = KerasArchive.Open(path))
                {
                    if (archive.Weights is null) throw new KerasFileException(path, $"the archive has no {KerasFormat.WeightsFileName}.");
                    LoadKeras3Weights(model, archive.Weights, path, skipMismatch);
                }
                return;
            case Kind.Hdf5:
                using (var reader = H5Reader.Open(path))
                {
                    if (reader.HasAttribute(reader.Root, "layer_names", "/")) LoadLegacy(model, reader, "", path, byName, skipMismatch);
                    else if (reader.HasGroup("model_weights")) LoadLegacy(model, reader, "model_weights", path, byName, skipMismatch);
                    else LoadKeras3Weights(model, reader, path, skipMismatch);
                }
                return;
            default:
                throw Foreign(path);
        }
    }

    static void LoadKeras3Weights(Model model, H5Reader reader, string path, bool skipMismatch)
    {
        var entries = KerasWeightsFile.Read(reader);
        try
        {
            WeightsBinding.Load(model, entries, path, skipMismatch, includeOptimizer: true);
        }
        finally
        {
            foreach (var e in entries.Values) e.Dispose();
        }
    }

    static IReadOnlyDictionary<Variable, string> LoadLegacy(Model model, H5Reader reader, string group, string path, bool byName, bool skipMismatch)
    {
        var layers = LegacyH5Weights.Read(reader, group);
        try
        {
            return LegacyBinding.Load(model, layers, path, byName, skipMismatch);
        }
        finally
        {
            foreach (var l in layers) l.Dispose();
        }
    }

    /// <summary>Builds the model of <paramref name="config"/> without initializing its weights: the caller loads all of them.</summary>
    static Model BuildForLoading(JsonObject config, ConfigBinder binder)
    {
        using var loading = WeightsToBeLoaded.Begin();
        return ModelConfig.DeserializeModel(config, binder);
    }

    static void LoadLegacyOptimizer(Model model, H5Reader reader, IReadOnlyDictionary<Variable, string> weightNames)
    {
        var values = new List<TorchSharp.torch.Tensor>();
        try
        {
            LegacyOptimizerWeights.Plan(model, reader, weightNames, values)?.Invoke();
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public static Model LoadModel(string path, IReadOnlyDictionary<string, Type>? customObjects, bool compile)
    {
        var binder = new ConfigBinder(path, customObjects);
        switch (Sniff(path))
        {
            case Kind.Zip:
            {
                using var archive = KerasArchive.Open(path);
                var config = JsonConfig.Parse(archive.Config, path, KerasFormat.ConfigFileName);
                var model = BuildForLoading(config, binder);
                try
                {
                    if (compile) CompileConfig.Apply(model, config["compile_config"] as JsonObject, null, binder);
                    if (archive.Weights is null) throw new KerasFileException(path, $"the archive has no {KerasFormat.WeightsFileName}.");
                    var entries = KerasWeightsFile.Read(archive.Weights);
                    try
                    {
                        WeightsBinding.Load(model, entries, path, skipMismatch: false, includeOptimizer: compile);
                    }
                    finally
                    {
                        foreach (var e in entries.Values) e.Dispose();
                    }
                    return model;
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }
            case Kind.Hdf5:
            {
                using var reader = H5Reader.Open(path);
                var configText = reader.StringAttribute(reader.Root, "model_config", "/")
                    ?? throw new KerasFileException(path, "no model config found in the file: it holds weights only. Build the model in code and call model.LoadWeights(path).");
                var config = JsonConfig.Parse(configText, path, "model_config");
                var model = BuildForLoading(config, binder);
                try
                {
                    if (compile && reader.StringAttribute(reader.Root, "training_config", "/") is { } training)
                        CompileConfig.Apply(model, null, JsonConfig.Parse(training, path, "training_config"), binder);
                    var weightNames = LoadLegacy(model, reader, "model_weights", path, byName: false, skipMismatch: false);
                    if (compile) LoadLegacyOptimizer(model, reader, weightNames);
                    return model;
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }
            default:
                throw Foreign(path);
        }
    }
}
