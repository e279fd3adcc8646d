/*
 * DETECTION_POSTPROCESS (TFLite's TFLite_Detection_PostProcess, TFLite Micro's
 * detection_postprocess.cc): decode the anchors' boxes, non-max suppression (fast: each box's
 * best class; regular: per class, merged), float32 outputs. src/core/common/ops/detection-postprocess.ts
 * describes every step; the arithmetic here is the same operation by operation (box decoding in
 * double, everything else in float32), so the outputs equal the host interpreter's.
 */
#include <math.h>
#include <string.h>

#include "../internal/td_common.h"

/* Scratch carved from the context, 4-byte aligned pieces. */
typedef struct {
    uint8_t *next;
    uint8_t *end;
} td_carver;

static void *td_carve(td_carver *c, int32_t bytes)
{
    uint8_t *piece = c->next;
    int32_t rounded = (bytes + 3) & ~3;
    if (c->next + rounded > c->end) {
        return NULL;
    }
    c->next += rounded;
    return piece;
}

static float td_dp_read(const void *data, const td_detection_input *encoding, int32_t index)
{
    switch (encoding->type) {
    case TD_DETECTION_INPUT_INT8:
        return ((float)((const int8_t *)data)[index] - (float)encoding->zero_point) * encoding->scale;
    case TD_DETECTION_INPUT_UINT8:
        return ((float)((const uint8_t *)data)[index] - (float)encoding->zero_point) * encoding->scale;
    default:
        return ((const float *)data)[index];
    }
}

static float td_dp_iou(const float *boxes, int32_t i, int32_t j)
{
    const float *a = boxes + 4 * i;
    const float *b = boxes + 4 * j;
    const float area_a = (a[2] - a[0]) * (a[3] - a[1]);
    const float area_b = (b[2] - b[0]) * (b[3] - b[1]);
    float height;
    float width;
    float intersection;
    if (area_a <= 0.0f || area_b <= 0.0f) {
        return 0.0f;
    }
    height = (a[2] < b[2] ? a[2] : b[2]) - (a[0] > b[0] ? a[0] : b[0]);
    width = (a[3] < b[3] ? a[3] : b[3]) - (a[1] > b[1] ? a[1] : b[1]);
    if (height < 0.0f) {
        height = 0.0f;
    }
    if (width < 0.0f) {
        width = 0.0f;
    }
    intersection = height * width;
    return intersection / ((area_a + area_b) - intersection);
}

/* Stable sort of `order` (positions into `keys`) by decreasing key: a bottom-up merge sort. */
static void td_dp_sort(const float *keys, int32_t *order, int32_t *tmp, int32_t count)
{
    int32_t width;
    for (width = 1; width < count; width *= 2) {
        int32_t start;
        for (start = 0; start < count; start += 2 * width) {
            int32_t mid = start + width < count ? start + width : count;
            int32_t stop = start + 2 * width < count ? start + 2 * width : count;
            int32_t left = start;
            int32_t right = mid;
            int32_t out = start;
            while (left < mid || right < stop) {
                if (left < mid && (right >= stop || !(keys[order[right]] > keys[order[left]]))) {
                    tmp[out++] = order[left++];
                } else {
                    tmp[out++] = order[right++];
                }
            }
        }
        memcpy(order, tmp, (size_t)count * sizeof(int32_t));
    }
}

typedef struct {
    const td_detection_postprocess_params *p;
    const float *boxes;
    int32_t *kept;
    int32_t *order;
    int32_t *tmp;
    float *kept_scores;
    uint8_t *active;
} td_dp_state;

/* Non-max suppression of one score per box; writes at most `limit` box indices, best first. */
static int32_t td_dp_suppress(const td_dp_state *s, const float *scores, int32_t limit, int32_t *selected)
{
    const td_detection_postprocess_params *p = s->p;
    int32_t kept = 0;
    int32_t count = 0;
    int32_t active_count;
    int32_t output_size;
    int32_t i;
    for (i = 0; i < p->num_boxes; ++i) {
        if (scores[i] >= p->score_threshold) {
            s->kept_scores[kept] = scores[i];
            s->kept[kept] = i;
            s->order[kept] = kept;
            kept++;
        }
    }
    td_dp_sort(s->kept_scores, s->order, s->tmp, kept);
    output_size = kept < limit ? kept : limit;
    active_count = kept;
    for (i = 0; i < kept; ++i) {
        s->active[i] = 1;
    }
    for (i = 0; i < kept; ++i) {
        int32_t box;
        int32_t j;
        if (active_count == 0 || count >= output_size) {
            break;
        }
        if (!s->active[i]) {
            continue;
        }
        box = s->kept[s->order[i]];
        selected[count++] = box;
        s->active[i] = 0;
        active_count--;
        for (j = i + 1; j < kept; ++j) {
            if (s->active[j] && td_dp_iou(s->boxes, box, s->kept[s->order[j]]) > p->iou_threshold) {
                s->active[j] = 0;
                active_count--;
            }
        }
    }
    return count;
}

td_status td_detection_postprocess(const td_detection_postprocess_params *p, const td_context *ctx,
                                   const void *box_encodings, const void *class_predictions, const void *anchors,
                                   float *detection_boxes, float *detection_classes, float *detection_scores,
                                   float *num_detections)
{
    const int32_t boxes_count = p->num_boxes;
    const int32_t classes = p->num_classes_with_background;
    td_carver carver;
    td_dp_state s;
    float *boxes;
    const float *scores;
    float *box_scores;
    int32_t *selected;
    int32_t slots = p->regular ? p->max_detections : p->max_detections * p->max_classes_per_detection;
    int32_t i;
    if (ctx == NULL || ctx->buf == NULL) {
        return TD_ERROR_SCRATCH;
    }
    carver.next = (uint8_t *)ctx->buf;
    carver.end = carver.next + ctx->size;
    boxes = (float *)td_carve(&carver, 16 * boxes_count);
    s.kept = (int32_t *)td_carve(&carver, 4 * boxes_count);
    s.order = (int32_t *)td_carve(&carver, 4 * boxes_count);
    s.tmp = (int32_t *)td_carve(&carver, 4 * boxes_count);
    s.kept_scores = (float *)td_carve(&carver, 4 * boxes_count);
    s.active = (uint8_t *)td_carve(&carver, boxes_count);
    box_scores = (float *)td_carve(&carver, 4 * boxes_count);
    selected = (int32_t *)td_carve(&carver, 4 * boxes_count);
    if (p->scores.type == TD_DETECTION_INPUT_FLOAT32) {
        scores = (const float *)class_predictions;
    } else {
        float *dequantized = (float *)td_carve(&carver, 4 * boxes_count * classes);
        if (dequantized == NULL) {
            return TD_ERROR_SCRATCH;
        }
        for (i = 0; i < boxes_count * classes; ++i) {
            dequantized[i] = td_dp_read(class_predictions, &p->scores, i);
        }
        scores = dequantized;
    }
    if (selected == NULL) {
        return TD_ERROR_SCRATCH;
    }
    s.p = p;
    s.boxes = boxes;

    for (i = 0; i < boxes_count; ++i) {
        const int32_t e = i * p->encoding_stride;
        const double ya = (double)td_dp_read(anchors, &p->anchors, 4 * i);
        const double xa = (double)td_dp_read(anchors, &p->anchors, 4 * i + 1);
        const double ha = (double)td_dp_read(anchors, &p->anchors, 4 * i + 2);
        const double wa = (double)td_dp_read(anchors, &p->anchors, 4 * i + 3);
        const float yc = (float)((double)td_dp_read(box_encodings, &p->boxes, e) / (double)p->y_scale * ha + ya);
        const float xc = (float)((double)td_dp_read(box_encodings, &p->boxes, e + 1) / (double)p->x_scale * wa + xa);
        const float hh = (float)(0.5 * exp((double)td_dp_read(box_encodings, &p->boxes, e + 2) / (double)p->h_scale) * ha);
        const float hw = (float)(0.5 * exp((double)td_dp_read(box_encodings, &p->boxes, e + 3) / (double)p->w_scale) * wa);
        float *box = boxes + 4 * i;
        box[0] = yc - hh;
        box[1] = xc - hw;
        box[2] = yc + hh;
        box[3] = xc + hw;
        if (box[0] >= box[2] || box[1] >= box[3]) {
            return TD_ERROR_ARGUMENT;
        }
    }

    memset(detection_boxes, 0, (size_t)slots * 4 * sizeof(float));
    memset(detection_classes, 0, (size_t)slots * sizeof(float));
    memset(detection_scores, 0, (size_t)slots * sizeof(float));

    if (!p->regular) {
        const int32_t categories = p->categories_per_anchor;
        int32_t *class_order = (int32_t *)td_carve(&carver, 4 * boxes_count * categories);
        int32_t count;
        if (class_order == NULL) {
            return TD_ERROR_SCRATCH;
        }
        for (i = 0; i < boxes_count; ++i) {
            const float *row = scores + i * classes + p->label_offset;
            int32_t *top = class_order + i * categories;
            int32_t k;
            for (k = 0; k < categories; ++k) {
                int32_t best = -1;
                int32_t c;
                for (c = 0; c < p->num_classes; ++c) {
                    int32_t taken = 0;
                    int32_t t;
                    for (t = 0; t < k; ++t) {
                        taken |= top[t] == c;
                    }
                    if (!taken && (best < 0 || row[c] > row[best])) {
                        best = c;
                    }
                }
                top[k] = best;
            }
            box_scores[i] = row[top[0]];
        }
        count = td_dp_suppress(&s, box_scores, p->max_detections, selected);
        for (i = 0; i < count; ++i) {
            const int32_t box = selected[i];
            int32_t col;
            for (col = 0; col < categories; ++col) {
                const int32_t slot = p->max_classes_per_detection * i + col;
                const int32_t cls = class_order[box * categories + col];
                memcpy(detection_boxes + 4 * slot, boxes + 4 * box, 4 * sizeof(float));
                detection_classes[slot] = (float)cls;
                detection_scores[slot] = scores[box * classes + p->label_offset + cls];
            }
        }
        num_detections[0] = (float)count;
        return TD_OK;
    }

    {
        const int32_t capacity = p->max_detections + p->detections_per_class;
        int32_t *chosen_index = (int32_t *)td_carve(&carver, 4 * capacity);
        float *chosen_score = (float *)td_carve(&carver, 4 * capacity);
        int32_t *merge_order = (int32_t *)td_carve(&carver, 4 * capacity);
        int32_t *merge_tmp = (int32_t *)td_carve(&carver, 4 * capacity);
        int32_t *merged_index = (int32_t *)td_carve(&carver, 4 * capacity);
        float *merged_score = (float *)td_carve(&carver, 4 * capacity);
        int32_t size = 0;
        int32_t cls;
        if (merged_score == NULL) {
            return TD_ERROR_SCRATCH;
        }
        for (cls = 0; cls < p->num_classes; ++cls) {
            int32_t count;
            int32_t total;
            int32_t keep;
            for (i = 0; i < boxes_count; ++i) {
                box_scores[i] = scores[i * classes + cls + p->label_offset];
            }
            count = td_dp_suppress(&s, box_scores, p->detections_per_class, selected);
            total = size;
            for (i = 0; i < count; ++i) {
                chosen_index[total] = selected[i] * classes + cls + p->label_offset;
                chosen_score[total] = box_scores[selected[i]];
                total++;
            }
            for (i = 0; i < total; ++i) {
                merge_order[i] = i;
            }
            td_dp_sort(chosen_score, merge_order, merge_tmp, total);
            keep = total < p->max_detections ? total : p->max_detections;
            for (i = 0; i < keep; ++i) {
                merged_index[i] = chosen_index[merge_order[i]];
                merged_score[i] = chosen_score[merge_order[i]];
            }
            memcpy(chosen_index, merged_index, (size_t)keep * sizeof(int32_t));
            memcpy(chosen_score, merged_score, (size_t)keep * sizeof(float));
            size = keep;
        }
        for (i = 0; i < size; ++i) {
            const int32_t box = chosen_index[i] / classes;
            memcpy(detection_boxes + 4 * i, boxes + 4 * box, 4 * sizeof(float));
            detection_classes[i] = (float)(chosen_index[i] - box * classes - p->label_offset);
            detection_scores[i] = chosen_score[i];
        }
        num_detections[0] = (float)size;
    }
    return TD_OK;
}
