using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// Keras's <c>keras.applications</c>: the classic image models, built layer by layer from the public layers with
/// Keras's exact layer names (so Keras's published <c>.h5</c> weights load by name), as functional <see cref="Model"/>s
/// that take channels-last (batch, height, width, 3) images. Each builder takes Keras's arguments:
/// <c>includeTop</c>, <c>weights</c> ("imagenet" downloads Keras's published file once into <c>~/.keras/models</c>
/// through <see cref="Utils.GetFile"/>; null leaves the random initialisation; any other string is a weights file
/// loaded by layer name), <c>inputTensor</c>, <c>inputShape</c>, <c>pooling</c> (null, "avg" or "max" after the
/// convolutional base when <c>includeTop</c> is false), <c>classes</c> and <c>classifierActivation</c>.
/// Preprocess images with <see cref="PreprocessInput"/> in the mode the model's documentation names.
/// </summary>
public static partial class Applications
{
    /// <summary>Where Keras publishes its application weights (<c>keras.applications</c>'s base URL).</summary>
    public const string WeightsBaseUrl = "https://storage.googleapis.com/tensorflow/keras-applications/";

    static readonly float[] CaffeMeanBgr = [103.939f, 116.779f, 123.68f];
    static readonly float[] TorchMean = [0.485f, 0.456f, 0.406f];
    static readonly float[] TorchStd = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// <c>keras.applications.imagenet_utils.preprocess_input</c>: turns 0-255 RGB pixels (channels last) into what an
    /// ImageNet model was trained on. The result is a new float32 tensor on the input's device.
    /// <list type="bullet">
    /// <item>"tf" (MobileNet, MobileNetV2, InceptionV3): scales to [-1, 1], <c>x / 127.5 - 1</c>;</item>
    /// <item>"torch" (DenseNet): scales to [0, 1], then subtracts ImageNet's per-channel mean and divides by its standard deviation;</item>
    /// <item>"caffe" (VGG16, ResNet50): converts RGB to BGR and subtracts ImageNet's per-channel mean, without scaling.</item>
    /// </list>
    /// EfficientNet takes 0-255 pixels as they are (its rescaling and normalisation are layers of the model).
    /// </summary>
    /// <param name="x">Images (..., 3) with values 0-255, any dtype.</param>
    /// <param name="mode">"caffe" (Keras's default), "tf" or "torch".</param>
    /// <returns>The preprocessed float32 images.</returns>
    /// <exception cref="ArgumentException">Unknown <paramref name="mode"/>, or the last axis is not 3 channels for "caffe"/"torch".</exception>
    public static Tensor PreprocessInput(Tensor x, string mode = "caffe")
    {
        ArgumentNullException.ThrowIfNull(x);
        if (mode is not ("caffe" or "tf" or "torch"))
            throw new ArgumentException($"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}", nameof(mode));
        using var scope = NewDisposeScope();
        var f = x.to_type(ScalarType.Float32);
        Tensor result;
        if (mode == "tf")
            result = f / 127.5f - 1f;
        else
        {
            if (x.dim() == 0 || x.shape[^1] != 3)
                throw new ArgumentException($"PreprocessInput(mode: \"{mode}\") expects RGB images with 3 channels on the last axis; got shape ({string.Join(", ", x.shape)}).", nameof(x));
            if (mode == "torch")
            {
                using var mean = tensor(TorchMean, device: x.device);
                using var std = tensor(TorchStd, device: x.device);
                result = (f / 255f - mean) / std;
            }
            else
            {
                using var mean = tensor(CaffeMeanBgr, device: x.device);
                result = f.flip(-1) - mean;
            }
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keras's <c>imagenet_utils.obtain_input_shape</c> for channels-last images. One difference: where Keras leaves
    /// the spatial size open ((None, None, 3), no top and no shape given) this returns the default size, because our
    /// <see cref="Input"/> has fixed sizes; pass <paramref name="inputShape"/> for another one.
    /// </summary>
    static int[] ObtainInputShape(int[]? inputShape, int defaultSize, int minSize, bool requireFlatten, string? weights)
    {
        int[] defaultShape = weights != "imagenet" && inputShape is { Length: 3 } ? [defaultSize, defaultSize, inputShape[2]] : [defaultSize, defaultSize, 3];
        if (weights == "imagenet" && requireFlatten)
        {
            if (inputShape is not null && !inputShape.SequenceEqual(defaultShape))
                throw new ArgumentException($"When setting `includeTop=true` and loading `imagenet` weights, `inputShape` should be {Tuple(defaultShape)}.  Received: inputShape={Tuple(inputShape)}", nameof(inputShape));
            return defaultShape;
        }
        if (inputShape is null) return defaultShape;
        if (inputShape.Length != 3)
            throw new ArgumentException($"`inputShape` must be a tuple of three integers. Received: inputShape={Tuple(inputShape)}", nameof(inputShape));
        if (inputShape[2] != 3 && weights == "imagenet")
            throw new ArgumentException($"The input must have 3 channels; Received `inputShape={Tuple(inputShape)}`", nameof(inputShape));
        if (inputShape[0] < minSize || inputShape[1] < minSize)
            throw new ArgumentException($"Input size must be at least {minSize}x{minSize}; Received: inputShape={Tuple(inputShape)}", nameof(inputShape));
        return [.. inputShape];
    }

    /// <summary>A shape as Python prints a tuple: (224, 224, 3).</summary>
    static string Tuple(IEnumerable<int> shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>Keras's check of <c>weights</c>: "imagenet", null or an existing file.</summary>
    static void ValidateWeights(string? weights, bool includeTop, int classes)
    {
        if (!(weights is null or "imagenet" || File.Exists(weights)))
            throw new ArgumentException("The `weights` argument should be either `null` (random initialization), `imagenet` (pre-training on ImageNet), " +
                $"or the path to the weights file to be loaded.  Received: weights={weights}", nameof(weights));
        if (weights == "imagenet" && includeTop && classes != 1000)
            throw new ArgumentException($"If using `weights=\"imagenet\"` with `includeTop=true`, `classes` should be 1000.  Received: classes={classes}", nameof(classes));
    }

    /// <summary>Keras's <c>validate_activation</c>: ImageNet weights were trained with softmax (or no) classifier activation.</summary>
    static void ValidateClassifierActivation(string? classifierActivation, string? weights)
    {
        if (weights is null) return;
        if (classifierActivation is not (null or "softmax"))
            throw new ArgumentException($"Only `null` and `softmax` activations are allowed for the `classifierActivation` argument when using pretrained weights, with `includeTop=true`; Received: classifierActivation={classifierActivation}", nameof(classifierActivation));
    }

    static void ValidatePooling(string? pooling)
    {
        if (pooling is not (null or "avg" or "max"))
            throw new ArgumentException($"`pooling` should be null, \"avg\" or \"max\". Received: pooling={pooling}", nameof(pooling));
    }

    /// <summary>The input tensor to build on: a new <see cref="Input"/> of <paramref name="shape"/>, or the caller's tensor.</summary>
    static KerasTensor ImageInput(KerasTensor? inputTensor, int[] shape) => inputTensor ?? new Input(shape);

    /// <summary>
    /// Keras's <c>get_source_inputs</c>: the <see cref="Input"/> tensors <paramref name="tensor"/> was computed from, so a
    /// model built on top of a caller's tensor takes the caller's inputs.
    /// </summary>
    static IReadOnlyList<KerasTensor> SourceInputs(KerasTensor tensor)
    {
        var found = new List<KerasTensor>();
        var seen = new HashSet<Node>();
        var stack = new Stack<KerasTensor>([tensor]);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (!seen.Add(t.Node)) continue;
            if (t.Node.Inputs.Count == 0) { found.Add(t); continue; }
            for (int i = t.Node.Inputs.Count - 1; i >= 0; i--) stack.Push(t.Node.Inputs[i]);
        }
        return found;
    }

    /// <summary>Makes the functional model from the input (or the caller's tensor's source inputs) to the output.</summary>
    static Model Functional(KerasTensor? inputTensor, KerasTensor imageInput, KerasTensor output, string name) =>
        inputTensor is null ? new Model(imageInput, output, name) : new Model(SourceInputs(inputTensor), output, name);

    /// <summary>Global pooling after the convolutional base when there is no top (Keras's <c>pooling</c> argument).</summary>
    static KerasTensor Pool(KerasTensor x, string? pooling, string? avgName = null, string? maxName = null) => pooling switch
    {
        "avg" => new GlobalAveragePooling2D(name: avgName).Apply(x),
        "max" => new GlobalMaxPooling2D(name: maxName).Apply(x),
        _ => x,
    };

    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="model"/>: "imagenet" downloads <paramref name="fileName"/>
    /// from <paramref name="origin"/> into the Keras cache (<c>~/.keras/models</c>, checked against
    /// <paramref name="fileHash"/> where Keras publishes one); a path is loaded as is. Layers are matched by name, and a
    /// Keras 2 <c>.h5</c> that lacks any of the model's layers with weights is refused (loading by name would leave
    /// those layers random without a word).
    /// </summary>
    /// <remarks>
    /// Models whose every layer with weights has a Keras name load by name; <paramref name="byName"/> false loads in
    /// layer order as Keras itself does, for models such as InceptionV3 whose layers Keras leaves to its automatic
    /// names (conv2d_1, ...), which differ between Keras versions.
    /// </remarks>
    static void LoadWeights(Model model, string? weights, string fileName, string origin, string? fileHash, bool byName = true)
    {
        if (weights is null) return;
        var path = weights == "imagenet" ? Utils.GetFile(fileName, origin, fileHash, cacheSubdir: "models") : weights;
        if (byName) RequireEveryLayer(model, path);
        model.LoadWeights(path, byName: byName);
    }

    /// <summary>
    /// The classifier of most applications (global average pooling "avg_pool", then a dense "predictions" layer), or
    /// Keras's <c>pooling</c> when there is no top.
    /// </summary>
    static KerasTensor Top(KerasTensor x, bool includeTop, string? pooling, int classes, string? classifierActivation, string? weights,
        string? avgName = "avg_pool", string? maxName = "max_pool")
    {
        if (!includeTop) return Pool(x, pooling, avgName, maxName);
        x = new GlobalAveragePooling2D(name: avgName).Apply(x);
        ValidateClassifierActivation(classifierActivation, weights);
        return new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
    }

    static void RequireEveryLayer(Model model, string path)
    {
        if (!path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase)) return;
        using var reader = H5Reader.Open(path);
        string group = reader.HasAttribute(reader.Root, "layer_names", "/") ? "" : reader.HasGroup("model_weights") ? "model_weights" : "";
        var root = group.Length == 0 ? reader.Root : reader.Group(group);
        var where = group.Length == 0 ? "/" : group;
        if (!reader.HasAttribute(root, "layer_names", where)) return;   // a Keras 3 weights file: LoadWeights checks it whole
        var inFile = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layerName in reader.StringsAttribute(root, "layer_names", where))
        {
            var layerPath = group.Length == 0 ? layerName : $"{group}/{layerName}";
            if (reader.StringsAttribute(reader.Group(layerPath), "weight_names", layerPath).Count > 0) inFile.Add(layerName);
        }
        var missing = model.Layers.Where(l => l.Weights.Count > 0 && !inFile.Contains(l.Name)).Select(l => l.Name).ToList();
        if (missing.Count > 0)
            throw new KerasFileException(path,
                $"it has no weights for {missing.Count} layer(s) of {model.Name}: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}. " +
                $"It holds weights for: {string.Join(", ", inFile.Take(10))}{(inFile.Count > 10 ? ", ..." : "")}. Is it the weights file of another model, or of the model with (or without) its top?");
    }
}
