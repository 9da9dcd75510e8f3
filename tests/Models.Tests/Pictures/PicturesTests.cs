using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Pictures;

using Pictures = Pipeline.Models.Pictures;

public class PicturesTests
{
    const int Margin = Pictures.Margin, Caption = Pictures.CaptionHeight;

    /// <summary>Distinct random uint8 images, the same in every run.</summary>
    static Tensor RandomImages(int n, int h, int w, int c, long seed = 7) =>
        randint(0, 256, [n, h, w, c], dtype: ScalarType.Byte, generator: new Generator((ulong)seed));

    static Tensor Decode(byte[] png) => Image.DecodePng(png, channels: 3);

    /// <summary>The block of <paramref name="grid"/> where cell <paramref name="n"/>'s image sits, shrunk back by <paramref name="scale"/>.</summary>
    static Tensor ImageAt(Tensor grid, int n, int columns, int h, int w, int scale, int caption)
    {
        int cellWidth = w * scale + 2 * Margin, cellHeight = h * scale + 2 * Margin + caption;
        int top = n / columns * cellHeight + caption + Margin, left = n % columns * cellWidth + Margin;
        // Every scale x scale block holds one source pixel: take its top-left pixel, and check the block is uniform.
        var block = grid.narrow(0, top, h * scale).narrow(1, left, w * scale);
        var sampled = block[TensorIndex.Slice(null, null, scale), TensorIndex.Slice(null, null, scale)];
        Assert.True(Same(block, sampled.repeat_interleave(scale, 0).repeat_interleave(scale, 1)),
            $"cell {n}: the enlarged pixels are not uniform {scale} x {scale} blocks");
        return sampled;
    }

    /// <summary>Same shape and every element equal.</summary>
    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void An_image_grid_holds_every_image_pixel_for_pixel_in_rows_of_the_given_columns()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(5, 8, 6, 3);
        var grid = Decode(Pictures.ImageGrid(images, ["a", "b", "c", "d", "e"], columns: 3, scale: 2));

        Assert.Equal(new long[] { 2 * (8 * 2 + 2 * Margin + Caption), 3 * (6 * 2 + 2 * Margin), 3 }, grid.shape);
        for (int n = 0; n < 5; n++)
            Assert.True(Same(ImageAt(grid, n, columns: 3, 8, 6, scale: 2, Caption), images[n]), $"image {n} differs in the grid");
    }

    [Fact]
    public void Captions_are_drawn_above_the_images_and_a_grid_without_them_has_no_caption_line()
    {
        using var scope = NewDisposeScope();
        var images = full([2, 16, 16, 3], 255, dtype: ScalarType.Byte);   // white images: only the text can be dark
        var captioned = Decode(Pictures.ImageGrid(images, ["airplane", "truck"], columns: 2, scale: 1));
        var plain = Decode(Pictures.ImageGrid(images, columns: 2, scale: 1));

        Assert.Equal(16 + 2 * Margin + Caption, captioned.shape[0]);
        Assert.Equal(16 + 2 * Margin, plain.shape[0]);
        var captionLine = captioned.narrow(0, 0, Caption);
        for (int cell = 0; cell < 2; cell++)
        {
            var text = captionLine.narrow(1, cell * (16 + 2 * Margin), 16 + 2 * Margin);
            Assert.True(text.lt(128).any().item<bool>(), $"no dark text pixel in the caption of cell {cell}");
        }
        Assert.True(plain.eq(255).all().item<bool>());
    }

    [Fact]
    public void Float_images_in_0_to_1_and_in_0_to_255_show_the_same_pixels_as_uint8()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(4, 5, 5, 3);
        var expected = Pictures.ImageGrid(images, scale: 1);

        Assert.Equal(expected, Pictures.ImageGrid(images.to_type(ScalarType.Float32).div(255.0), scale: 1));
        Assert.Equal(expected, Pictures.ImageGrid(images.to_type(ScalarType.Float32), scale: 1));
    }

    [Fact]
    public void A_grey_image_is_shown_with_its_value_in_every_colour_channel()
    {
        using var scope = NewDisposeScope();
        var grey = RandomImages(1, 6, 4, 1);
        var grid = Decode(Pictures.ImageGrid(grey, scale: 3));

        var shown = ImageAt(grid, 0, columns: 1, 6, 4, scale: 3, caption: 0);
        Assert.True(Same(shown, grey[0].expand(6, 4, 3)));
    }

    [Fact]
    public void Labels_with_class_names_caption_like_the_same_titles_written_out_whether_indices_or_one_hot()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(3, 8, 8, 3);
        string[] classNames = ["cat", "dog", "ship"];
        var byTitles = Pictures.ImageGrid(images, ["ship", "cat", "ship"]);

        Assert.Equal(byTitles, Pictures.ImageGrid(images, tensor(new long[] { 2, 0, 2 }), classNames));
        Assert.Equal(byTitles, Pictures.ImageGrid(images, tensor(new int[] { 2, 0, 2 }).reshape(3, 1), classNames));
        Assert.Equal(byTitles, Pictures.ImageGrid(images, nn.functional.one_hot(tensor(new long[] { 2, 0, 2 }), 3).to_type(ScalarType.Float32), classNames));
    }

    [Fact]
    public void An_augmentation_grid_shows_the_original_first_then_each_augmented_copy()
    {
        using var scope = NewDisposeScope();
        var image = RandomImages(1, 8, 8, 3)[0];
        int calls = 0;
        var png = Pictures.AugmentationGrid(image, x => { calls++; return Image.FlipLeftRight(x).unsqueeze(0); }, count: 3, scale: 2);
        var grid = Decode(png);

        Assert.Equal(3, calls);
        Assert.Equal(new long[] { 2 * (16 + 2 * Margin + Caption), 2 * (16 + 2 * Margin), 3 }, grid.shape);
        Assert.True(Same(ImageAt(grid, 0, 2, 8, 8, 2, Caption), image), "the first cell is not the original");
        var flipped = image.flip(1);
        for (int n = 1; n <= 3; n++)
            Assert.True(Same(ImageAt(grid, n, 2, 8, 8, 2, Caption), flipped), $"cell {n} is not the augmented image");
    }

    [Fact]
    public void The_augmentation_grid_leaves_the_callers_image_usable()
    {
        var image = RandomImages(1, 4, 4, 3)[0];
        Pictures.AugmentationGrid(image, x => x, count: 2);
        Assert.Equal(new long[] { 4, 4, 3 }, image.shape);   // would throw on a disposed tensor
        image.Dispose();
    }

    static History FourEpochs(bool withValidation)
    {
        var history = new History();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            var logs = new Dictionary<string, double> { ["loss"] = 2.0 - 0.3 * epoch, ["accuracy"] = 0.3 + 0.1 * epoch };
            if (withValidation) { logs["val_loss"] = 2.1 - 0.2 * epoch; logs["val_accuracy"] = 0.25 + 0.08 * epoch; }
            history.Add(epoch, logs);
        }
        return history;
    }

    /// <summary>True where the picture has a pixel of exactly <paramref name="hex"/> (the filled markers are drawn in it).</summary>
    static bool HasColour(Tensor picture, string hex)
    {
        var rgb = Convert.FromHexString(hex);
        using var colour = tensor(rgb).reshape(1, 1, 3);
        return picture.eq(colour).all(2).any().item<bool>();
    }

    [Fact]
    public void Training_curves_show_accuracy_and_loss_panels_each_with_the_training_and_validation_series()
    {
        using var scope = NewDisposeScope();
        var curves = Decode(Pictures.TrainingCurves(FourEpochs(withValidation: true), width: 800, height: 300));

        Assert.Equal(new long[] { 300, 800, 3 }, curves.shape);
        foreach (var half in new[] { curves.narrow(1, 0, 400), curves.narrow(1, 400, 400) })
        {
            Assert.True(HasColour(half, "1f77b4"), "a panel lacks the training series");
            Assert.True(HasColour(half, "ff7f0e"), "a panel lacks the validation series");
        }
    }

    [Fact]
    public void Training_curves_without_validation_draw_only_the_training_series()
    {
        using var scope = NewDisposeScope();
        var curves = Decode(Pictures.TrainingCurves(FourEpochs(withValidation: false)));

        Assert.Equal(new long[] { 400, 1000, 3 }, curves.shape);
        Assert.True(HasColour(curves, "1f77b4"));
        Assert.False(HasColour(curves, "ff7f0e"));
    }

    [Fact]
    public void Series_by_name_put_test_values_in_the_panel_of_their_metric()
    {
        using var scope = NewDisposeScope();
        var series = new Dictionary<string, IReadOnlyList<double>>
        {
            ["loss"] = [1.0, 0.8, 0.7], ["accuracy"] = [0.5, 0.6, 0.7], ["test_loss"] = [1.1, 0.9, 0.9], ["test_accuracy"] = [0.45, 0.55, 0.6],
        };
        var curves = Decode(Pictures.TrainingCurves(series, width: 600, height: 300));

        foreach (var half in new[] { curves.narrow(1, 0, 300), curves.narrow(1, 300, 300) })
        {
            Assert.True(HasColour(half, "1f77b4"), "a panel lacks the training series");
            Assert.True(HasColour(half, "2ca02c"), "a panel lacks the test series");
            Assert.False(HasColour(half, "ff7f0e"), "a panel shows a validation series that was never logged");
        }
    }

    [Fact]
    public void Each_picture_is_written_to_its_path_with_the_folder_created()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pictures-{Guid.NewGuid():N}");
        try
        {
            using var images = RandomImages(2, 4, 4, 3);
            var grid = Pictures.ImageGrid(images, path: Path.Combine(folder, "sub", "grid.png"));
            var curves = Pictures.TrainingCurves(FourEpochs(true), Path.Combine(folder, "curves.png"));

            Assert.Equal(grid, File.ReadAllBytes(Path.Combine(folder, "sub", "grid.png")));
            Assert.Equal(curves, File.ReadAllBytes(Path.Combine(folder, "curves.png")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_bad_argument_is_named_with_what_was_expected_and_what_came()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 4, 4, 3);

        var rank = Assert.Throws<ArgumentException>(() => Pictures.ImageGrid(zeros(4, 4)));
        Assert.Equal("images", rank.ParamName);
        Assert.Contains("(4, 4)", rank.Message);

        var channels = Assert.Throws<ArgumentException>(() => Pictures.ImageGrid(zeros(2, 4, 4, 2)));
        Assert.Equal("images", channels.ParamName);
        Assert.Contains("1, 3 or 4 channels", channels.Message);

        var titles = Assert.Throws<ArgumentException>(() => Pictures.ImageGrid(images, ["only one"]));
        Assert.Equal("titles", titles.ParamName);
        Assert.Contains("1 titles for 2 images", titles.Message);

        var label = Assert.Throws<ArgumentException>(() => Pictures.ImageGrid(images, tensor(new long[] { 0, 5 }), ["cat", "dog"]));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("image 1 has label 5, but there are 2 class names", label.Message);

        var augmented = Assert.Throws<ArgumentException>(() => Pictures.AugmentationGrid(images[0], x => x.reshape(-1)));
        Assert.Equal("augment", augmented.ParamName);
        Assert.Contains("(48)", augmented.Message);

        var history = Assert.Throws<ArgumentException>(() => Pictures.TrainingCurves(new History()));
        Assert.Equal("history", history.ParamName);

        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => Pictures.TrainingCurves(FourEpochs(true), width: 10)).ParamName);
    }
}
