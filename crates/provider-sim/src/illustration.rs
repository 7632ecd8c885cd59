//! Draws the simulator's pictures: a gradient and shapes picked from the prompt, the
//! model's name on a band, and any reference photos the request carried, inset along the
//! top edge so a test (or a person) can see they were used.

use imaging::Canvas;

/// The picture for a prompt: colours and shapes from its hash, the model name on a band.
pub(crate) fn illustration(
    prompt: &str,
    model: &str,
    size: usize,
    references: &[Canvas],
) -> Canvas {
    let seed = super::story::fnv(prompt);
    let c1 = [
        (seed >> 8) as u8 | 0x40,
        (seed >> 16) as u8 | 0x40,
        (seed >> 24) as u8 | 0x40,
    ];
    let c2 = [
        (seed >> 32) as u8 / 2,
        (seed >> 40) as u8 / 2,
        (seed >> 48) as u8 / 2,
    ];
    let mut canvas = Canvas::new(size, size);
    for y in 0..size {
        let t = y as f32 / size as f32;
        let mix = |a: u8, b: u8| (a as f32 * (1.0 - t) + b as f32 * t) as u8;
        let row = [mix(c1[0], c2[0]), mix(c1[1], c2[1]), mix(c1[2], c2[2])];
        canvas.fill_rect(0, y, size, 1, row);
    }
    // A sun and a hill whose places depend on the prompt.
    let (cx, cy, r) = (size / 4 + (seed as usize % (size / 2)), size / 4, size / 8);
    for y in cy.saturating_sub(r)..cy + r {
        for x in cx.saturating_sub(r)..cx + r {
            let (dx, dy) = (x as i64 - cx as i64, y as i64 - cy as i64);
            if dx * dx + dy * dy <= (r * r) as i64 {
                canvas.set(x, y, [255, 230, 120]);
            }
        }
    }
    let hill = [40, 120 + (seed % 100) as u8, 60];
    for x in 0..size {
        let phase = (x as f32 / size as f32 * std::f32::consts::TAU + (seed % 7) as f32).sin();
        let top = (size as f32 * (0.7 + 0.08 * phase)) as usize;
        canvas.fill_rect(x, top, 1, size - top, hill);
    }
    let scale = (size / 128).max(1);
    let band = 11 * scale;
    canvas.fill_rect(0, size - band, size, band, [255, 255, 255]);
    canvas.text(
        2 * scale,
        size - band + 2 * scale,
        model,
        scale,
        [20, 20, 20],
    );
    // Each reference photo the request carried, framed in white along the top edge.
    let side = size / 4;
    for (i, photo) in references.iter().enumerate() {
        let x = 4 + i * (side + 8);
        if x + side + 4 > size {
            break;
        }
        canvas.fill_rect(x - 2, 2, side + 4, side + 4, [255, 255, 255]);
        let inset = photo.fit_within(side);
        canvas.draw(
            &inset,
            x + (side - inset.width) / 2,
            4 + (side - inset.height) / 2,
        );
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_differ_by_prompt_and_carry_the_model_name() {
        let a = illustration("a fox", "GPT-IMAGE-1", 64, &[]).to_png();
        let b = illustration("a bear", "GPT-IMAGE-1", 64, &[]).to_png();
        assert_ne!(a, b);
        let with_name = illustration("a fox", "GEMINI", 64, &[]);
        let blank = illustration("a fox", "", 64, &[]);
        assert_ne!(with_name.to_png(), blank.to_png());
    }

    #[test]
    fn reference_photos_are_drawn_into_the_picture() {
        let mut photo = Canvas::new(10, 10);
        photo.fill_rect(0, 0, 10, 10, [224, 19, 156]);
        let picture = illustration("a fox", "GEMINI", 128, &[photo]);
        // The middle of the first inset (side 32 at x = 4, y = 4).
        assert_eq!(picture.get(20, 20), [224, 19, 156]);
    }
}
